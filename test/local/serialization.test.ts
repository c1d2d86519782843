import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { expect } from "chai";
import Module from "node:module";
import * as path from "node:path";
import { appPoolProvider } from "../../infra/local/providers/app-pool-provider";
import { balancerProvider } from "../../infra/local/providers/balancer-provider";
import { configStoreProvider } from "../../infra/local/providers/config-store-provider";
import { balancerInputs, balancerState, poolInputs, poolState } from "./support/local-fixtures";

/** Serializes a provider the way pulumi.dynamic.Resource does, and loads it back like the provider host. */
async function roundTrip<I, O>(
  provider: dynamic.ResourceProvider<I, O>,
): Promise<{ text: string; loaded: dynamic.ResourceProvider<I, O> }> {
  const { text } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  const host = new Module("serialized-provider");
  host.paths = module.paths;
  (host as unknown as { _compile(code: string, file: string): void })._compile(
    text,
    path.join(__dirname, "serialized-provider.js"),
  );
  const exported = host.exports as { handler: () => dynamic.ResourceProvider<I, O> };
  return { text, loaded: exported.handler() };
}

describe("local providers: serialization into the Pulumi state", function () {
  this.timeout(30_000);

  for (const [name, provider] of [
    ["pool", appPoolProvider],
    ["balancer", balancerProvider],
    ["config store", configStoreProvider],
  ] as const) {
    it(`${name}: stays small and needs nothing but Node's own modules`, async () => {
      const { text } = await roundTrip<unknown, unknown>(
        provider as dynamic.ResourceProvider<unknown, unknown>,
      );
      expect(text.length, "serialized size").to.be.below(100_000);
      const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
      for (const id of required) expect(Module.isBuiltin(id), `require("${id}")`).to.equal(true);
    });
  }

  it("pool: the serialized copy diffs like the original", async () => {
    const { loaded } = await roundTrip(appPoolProvider);
    expect(await loaded.diff!("id", poolState(), poolInputs({ version: "2.1.0" }))).to.deep.include(
      { replaces: ["version"] },
    );
  });

  it("balancer: the serialized copy diffs like the original", async () => {
    const { loaded } = await roundTrip(balancerProvider);
    const flip = balancerInputs({ activeColor: "green", weights: { blue: 0, green: 100 } });
    expect(await loaded.diff!("id", balancerState(), flip)).to.deep.include({
      changes: true,
      replaces: [],
    });
  });

  it("config store: the serialized copy diffs like the original", async () => {
    const { loaded } = await roundTrip(configStoreProvider);
    const store = {
      root: "/outpost-fleet/staging/us",
      documents: { "/outpost-fleet/staging/us/release/version": "2.0.0" },
      storeDir: "/tmp/run/config-store",
      tags: {},
    };
    const next = {
      ...store,
      documents: { "/outpost-fleet/staging/us/release/version": "2.1.0" },
    };
    expect(await loaded.diff!("id", store, next)).to.deep.include({ changes: true, replaces: [] });
    expect(await loaded.diff!("id", store, { ...store, storeDir: "/elsewhere" })).to.deep.include({
      changes: false,
    });
  });
});
