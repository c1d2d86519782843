import * as pulumi from "@pulumi/pulumi";
import { readStackFile, StackLayer } from "../../infra/config";
import { StrictFleetMocks, RecordedResource } from "./fleet-mocks";

export type { RecordedResource } from "./fleet-mocks";

export interface RecordedStack {
  readonly resources: RecordedResource[];
  readonly outputs: Record<string, unknown>;
  /** Tokens of every data-source lookup the program made. */
  readonly calls: string[];
}

/**
 * A value for every secret the global layer declares: production stacks need them all. Tests
 * about secrets pass their own.
 */
export const EXAMPLE_SECRETS: Readonly<Record<string, string>> = {
  "database-password": "example-database-password",
  "cache-auth-token": "example-cache-auth-token",
  "payment-api-key": "example-payment-api-key",
};

export interface RecordOptions {
  /** Secret values, passed as Pulumi secrets like the entry point does; EXAMPLE_SECRETS by default. */
  readonly secrets?: Record<string, string>;
  readonly preview?: boolean;
}

/** Resolves every Output inside a value, so all registrations it depends on have happened. */
async function settle(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    return settle(await new Promise((resolve) => (value as pulumi.Output<unknown>).apply(resolve)));
  }
  if (Array.isArray(value)) return Promise.all(value.map(settle));
  if (value !== null && typeof value === "object") {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await settle(v)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

/** The program module, loaded only after the mocks are in place (as Pulumi's testing guide does). */
export function loadProgram(): typeof import("../../infra/program") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("../../infra/program") as typeof import("../../infra/program");
}

/**
 * Runs the real infra program under strict mocks and records every resource it registers.
 * `stack` is a stack name (Pulumi.<stack>.yaml is read) or a stack layer built by the test.
 */
export async function recordStack(
  stack: StackLayer | string,
  options: RecordOptions = {},
): Promise<RecordedStack> {
  const layer = typeof stack === "string" ? readStackFile(stack) : stack;
  const stackName = typeof stack === "string" ? stack : String(layer.regionGroup ?? "test");
  const mocks = new StrictFleetMocks(stackName, String(layer.awsRegion ?? "us-east-1"));
  await pulumi.runtime.setMocks(mocks, "outpost-fleet", stackName, options.preview ?? false);
  const { fleetProgram } = loadProgram();
  const secrets = Object.fromEntries(
    Object.entries(options.secrets ?? EXAMPLE_SECRETS).map(([name, value]) => [
      name,
      pulumi.secret(value),
    ]),
  );
  const outputs = (await settle(fleetProgram(layer, secrets))) as Record<string, unknown>;
  // Let registrations that no output depends on (rules, attachments) drain.
  await new Promise((resolve) => setTimeout(resolve, 0));
  return { resources: mocks.resources, outputs, calls: mocks.calls };
}
