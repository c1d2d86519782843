import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { configParameters } from "../../infra/aws/config-parameters";
import { REQUIRED_TAGS, SITE_COMPONENT_TYPES } from "../../infra/contract";
import {
  appRuntimeDocument,
  canonicalJson,
  loadFleetConfig,
  readStackFile,
  StackLayer,
} from "../../infra/config";
import { localHealthCheck } from "../../infra/local/health-check";
import { slotNames } from "../../infra/local/haproxy/slots";

const RUN_DIR = "/tmp/outpost-fleet-components/run";
const STEADY = {
  blueVersion: "2.0.0",
  greenVersion: "2.0.0",
  activeColor: "blue",
  candidateWeight: 0,
  idleWarm: false,
};

interface Registered {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly inputs: Record<string, unknown>;
}

/**
 * Stands in for the three dynamic providers the way they answer: pools report a port per
 * process, balancers their endpoints, socket and server slots, the config store its folder.
 * Nothing else is expected.
 */
class LocalTargetMocks implements pulumi.runtime.Mocks {
  readonly resources: Registered[] = [];
  readonly components: string[] = [];
  private nextPort = 40_000;

  newResource(args: pulumi.runtime.MockResourceArgs): {
    id: string;
    state: Record<string, unknown>;
  } {
    const inputs = args.inputs as Record<string, unknown>;
    if (!args.custom) {
      this.components.push(args.type);
      return { id: "", state: {} };
    }
    this.resources.push({
      type: args.type,
      name: args.name,
      urn: `${args.type}::${args.name}`,
      inputs,
    });
    if (args.type !== "pulumi-nodejs:dynamic:Resource")
      throw new Error(`unexpected resource type ${args.type}`);
    if ("documents" in inputs) return { id: `${args.name}-id`, state: inputs };
    if ("slotsPerColor" in inputs) {
      const port = this.nextPort++;
      const previewPort = this.nextPort++;
      const names = slotNames(inputs.slotsPerColor as number);
      const backend = String(inputs.backend);
      return {
        id: `${args.name}-id`,
        state: {
          ...inputs,
          frontendPort: port,
          endpoint: `http://127.0.0.1:${port}`,
          previewPort,
          previewEndpoint: `http://127.0.0.1:${previewPort}`,
          previewBackend: `${backend}-preview`,
          socketPath: `/run/${args.name}/haproxy.sock`,
          servers: {
            blue: names.blue.map((n) => `${backend}/${n}`),
            green: names.green.map((n) => `${backend}/${n}`),
          },
          health: { blue: { up: 2, total: 2 }, green: { up: 0, total: 0 } },
        },
      };
    }
    const ports = Array.from({ length: Number(inputs.count) }, () => this.nextPort++);
    return {
      id: `${args.name}-id`,
      state: {
        ...inputs,
        ports,
        processes: ports.map((port, i) => ({ slot: i + 1, pid: 1000 + port, port })),
      },
    };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    throw new Error(`unexpected call ${args.token}`);
  }
}

function resolve<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((done) => output.apply(done));
}

async function record(layer: StackLayer) {
  const mocks = new LocalTargetMocks();
  await pulumi.runtime.setMocks(mocks, "outpost-fleet", "local-us", false);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { deployLocalFleet } = require("../../infra/local") as typeof import("../../infra/local");
  const config = loadFleetConfig(layer);
  const outputs = deployLocalFleet(config, { runDir: RUN_DIR });
  const outposts = await resolve(outputs.outposts);
  await new Promise((done) => setTimeout(done, 0));
  return { mocks, config, outputs, outposts };
}

describe("local target components (under mocks)", function () {
  this.timeout(30_000);
  // The Outposts of the local-us stack file, on a fixed release: the driver and the demo move
  // the file's release and deployment, and this test must not depend on where they left them.
  const layer: StackLayer = {
    ...readStackFile("local-us"),
    release: { version: "2.0.0" },
    deployment: {},
    localFaults: { "2.1.0": { errorRate: 0.5 } },
  };
  const byName = (mocks: LocalTargetMocks, name: string) =>
    mocks.resources.find((r) => r.name === name)!;
  /** The inputs the program passed, without the serialized provider. */
  const inputsOf = (resource: Registered) =>
    Object.fromEntries(Object.entries(resource.inputs).filter(([key]) => key !== "__provider"));
  let savedHaproxy: string | undefined;

  before(() => {
    // The program checks that HAProxy exists; any executable will do under mocks.
    savedHaproxy = process.env.OUTPOST_FLEET_HAPROXY;
    const bin = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fake-haproxy-")), "haproxy");
    fs.writeFileSync(bin, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    process.env.OUTPOST_FLEET_HAPROXY = bin;
  });
  after(() => {
    if (savedHaproxy === undefined) delete process.env.OUTPOST_FLEET_HAPROXY;
    else process.env.OUTPOST_FLEET_HAPROXY = savedHaproxy;
  });

  it("builds per Outpost a site with a blue pool, a green pool, a balancer and a canary rollout", async () => {
    const { mocks } = await record(layer);
    const perType = (type: string) => mocks.components.filter((t) => t === type).length;
    expect(perType(SITE_COMPONENT_TYPES.local)).to.equal(2);
    expect(perType("outpost-fleet:local:OutpostSite")).to.equal(2);
    expect(perType("outpost-fleet:local:AppPool")).to.equal(4);
    expect(perType("outpost-fleet:local:LoadBalancer")).to.equal(2);
    expect(perType("outpost-fleet:local:CanaryRollout")).to.equal(2);
    expect(perType("outpost-fleet:local:ConfigStore")).to.equal(1);
    const names = mocks.resources.map((r) => r.name).sort();
    expect(names).to.deep.equal(
      [
        "us-config-documents",
        ...["iad-lab1", "nyc-lab1"].flatMap((o) => [
          `${o}-blue-processes`,
          `${o}-green-processes`,
          `${o}-lb-haproxy`,
        ]),
      ].sort(),
    );
  });

  it("writes the stack's merged config to the local config store, release and fingerprint included", async () => {
    const { mocks, config } = await record(layer);
    const store = byName(mocks, "us-config-documents");
    const root = "/outpost-fleet/production/us";
    expect(inputsOf(store)).to.deep.equal({
      root,
      documents: configParameters(config),
      storeDir: path.join(RUN_DIR, "config-store"),
      tags: {
        Environment: "production",
        Region: "us-east-1",
        DeploymentId: "storefront-production-us",
        ManagedBy: "outpost-fleet",
        Target: "local",
      },
    });
    const documents = store.inputs.documents as Record<string, string>;
    expect(documents[`${root}/release/version`]).to.equal("2.0.0");
    expect(documents[`${root}/fingerprint`]).to.equal(config.fingerprint);
    expect(Object.keys(documents).sort()).to.deep.equal(
      [
        "app",
        "eks",
        "environment",
        "fingerprint",
        "loadBalancer",
        "monitoring",
        "outposts/iad-lab1",
        "outposts/nyc-lab1",
        "region",
        "release/version",
        "runtime",
      ].map((key) => `${root}/${key}`),
    );
    expect(JSON.parse(documents[`${root}/runtime`])).to.deep.equal(appRuntimeDocument(config));
  });

  it("gives every pool the stack's runtime settings, the same document the store publishes", async () => {
    const { mocks, config } = await record(layer);
    const pools = mocks.resources.filter((r) => r.name.endsWith("-processes"));
    expect(pools.map((p) => p.type))
      .to.have.length(4)
      .and.to.satisfy((types: string[]) =>
        types.every((t) => t === "pulumi-nodejs:dynamic:Resource"),
      );
    const settings = appRuntimeDocument(config).settings;
    // Production (local-us): the global flags, and the environment's log level.
    expect(settings).to.include({ logLevel: "info", complianceMode: "SOX" });
    expect(settings.featureFlags).to.deep.equal({ newCheckout: false, recommendations: true });
    for (const pool of pools) {
      expect(pool.inputs.runtimeSettings, pool.name).to.equal(canonicalJson(settings));
    }
  });

  it("runs the active color at desired size and the cold idle color at zero", async () => {
    const { mocks } = await record(layer);
    const count = (name: string) => mocks.resources.find((r) => r.name === name)?.inputs.count;
    expect(count("nyc-lab1-blue-processes")).to.equal(2);
    expect(count("nyc-lab1-green-processes")).to.equal(0);
  });

  it("tags pools with their color and version, and the balancer with its site only", async () => {
    const { mocks } = await record(layer);
    for (const name of ["nyc-lab1-blue-processes", "iad-lab1-green-processes"]) {
      const pool = byName(mocks, name);
      const tags = pool.inputs.tags as Record<string, string>;
      expect(Object.keys(tags), name).to.include.members([...REQUIRED_TAGS, "Target"]);
      expect(pool.inputs.outpost, name).to.equal(tags.Outpost);
      expect(pool.inputs.color, name).to.equal(tags.Color);
      expect(pool.inputs.version, name).to.equal(tags.AppVersion);
    }
    expect(byName(mocks, "nyc-lab1-lb-haproxy").inputs.tags).to.deep.equal({
      Environment: "production",
      Region: "us-east-1",
      Outpost: "nyc-lab1",
      DeploymentId: "storefront-production-us",
      ManagedBy: "outpost-fleet",
      Target: "local",
    });
  });

  it("gives each balancer its Outpost's traffic state and versions, and nothing stack-wide", async () => {
    const { mocks, config } = await record(layer);
    const balancer = byName(mocks, "nyc-lab1-lb-haproxy");
    expect(inputsOf(balancer)).to.deep.equal({
      outpost: "nyc-lab1",
      activeColor: "blue",
      candidateWeight: 0,
      versions: { blue: "2.0.0", green: "2.0.0" },
      backend: "storefront",
      slotsPerColor: 2,
      ports: { blue: [40_000, 40_001], green: [] },
      weights: { blue: 100, green: 0 },
      healthCheck: localHealthCheck(config),
      runDir: RUN_DIR,
      haproxyBin: process.env.OUTPOST_FLEET_HAPROXY,
      tags: balancer.inputs.tags,
    });
  });

  it("exports the contract's outputs per Outpost, with the balancer's endpoints and slots", async () => {
    const { outposts, outputs } = await record(layer);
    expect(Object.keys(outposts).sort()).to.deep.equal(["iad-lab1", "nyc-lab1"]);
    const site = outposts["nyc-lab1"];
    expect(site).to.deep.include({
      outpost: "nyc-lab1",
      activeColor: "blue",
      candidateWeight: 0,
      versions: { blue: "2.0.0", green: "2.0.0" },
      weights: { blue: 100, green: 0 },
      targetGroups: {
        blue: "storefront/blue-1,storefront/blue-2",
        green: "storefront/green-1,storefront/green-2",
      },
      trafficStats: {
        kind: "haproxy",
        socket: "/run/nyc-lab1-lb-haproxy/haproxy.sock",
        backend: "storefront",
      },
      alarms: [],
      cluster: null,
      rollout: {
        name: "storefront",
        namespace: "local",
        version: "2.0.0",
        stableService: "storefront/blue-1,storefront/blue-2",
        canaryService: "storefront/green-1,storefront/green-2",
        ingressEndpoint: site.endpoint,
      },
    });
    expect(site.endpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(site.previewEndpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(site.previewEndpoint).to.not.equal(site.endpoint);
    expect(outputs.target).to.equal("local");
    expect(await pulumi.isSecret(outputs.kubeconfigs)).to.equal(true);
  });

  it("flips and changes versions as data: the same resources, the faulty version's pool gets its faults", async () => {
    const before = (await record(layer)).mocks.resources.map((r) => r.name).sort();
    const deployment = {
      "nyc-lab1": {
        blueVersion: "2.0.0",
        greenVersion: "2.1.0",
        activeColor: "green",
        candidateWeight: 10,
        idleWarm: true,
        rolloutVersion: "2.0.0",
      },
    };
    const { mocks, outposts } = await record({ ...layer, deployment });
    expect(mocks.resources.map((r) => r.name).sort()).to.deep.equal(before);
    const green = byName(mocks, "nyc-lab1-green-processes");
    expect(green.inputs).to.deep.include({
      version: "2.1.0",
      count: 2,
      faults: { errorRate: 0.5, latencyMs: 0 },
    });
    expect(byName(mocks, "nyc-lab1-blue-processes").inputs.faults).to.deep.equal({
      errorRate: 0,
      latencyMs: 0,
    });
    const balancer = byName(mocks, "nyc-lab1-lb-haproxy");
    expect(balancer.inputs.weights).to.deep.equal({ blue: 10, green: 90 });
    expect(outposts["nyc-lab1"]).to.deep.include({
      activeColor: "green",
      weights: { blue: 10, green: 90 },
    });
    // The Rollout's version is the deployment state's own, whatever the pools run.
    expect(outposts["nyc-lab1"].rollout).to.deep.include({
      version: "2.0.0",
      stableService: "storefront/green-1,storefront/green-2",
      canaryService: "storefront/blue-1,storefront/blue-2",
    });
  });

  it("takes every per-Outpost version from the deployment state: a new release changes only the config store", async () => {
    const deployment = {
      "nyc-lab1": { ...STEADY, rolloutVersion: "2.0.0" },
      "iad-lab1": { ...STEADY, rolloutVersion: "2.0.0" },
    };
    const before = await record({ ...layer, deployment });
    const after = await record({ ...layer, deployment, release: { version: "2.1.0" } });
    const changed = after.mocks.resources
      .filter((r) => {
        const old = byName(before.mocks, r.name);
        return JSON.stringify(old.inputs) !== JSON.stringify(r.inputs);
      })
      .map((r) => r.name);
    expect(changed).to.deep.equal(["us-config-documents"]);
  });
});
