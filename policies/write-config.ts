/**
 * Writes the --policy-pack-config file for one stack, the same file the driver passes:
 *
 *   npx ts-node --transpile-only policies/write-config.ts <stack> [--version 2.1.0]
 *       [--previous-version 2.0.0] [--fingerprint-from us] [--out policy-config.json]
 *
 * Defaults: the stack's own release and fingerprint (fine for one stack by hand); in CI pass
 * --fingerprint-from a reference stack so that every stack is held to the same value.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { loadFleetConfig, readStackFile } from "../infra/config";
import { PolicyPackConfigFile, policyConfigFor } from "./policy-config";

export interface WriteConfigOptions {
  readonly stack: string;
  readonly version?: string;
  readonly previousVersion?: string;
  /** Take the expected fingerprint from this stack (with the same release). */
  readonly fingerprintFrom?: string;
}

export function policyConfigForStack(options: WriteConfigOptions): PolicyPackConfigFile {
  const config = loadFleetConfig(readStackFile(options.stack));
  const version = options.version ?? config.release.version;
  const reference = loadFleetConfig({
    ...readStackFile(options.fingerprintFrom ?? options.stack),
    release: { version },
  });
  return policyConfigFor(config, {
    version,
    fingerprint: reference.fingerprint,
    ...(options.previousVersion ? { previousVersion: options.previousVersion } : {}),
  });
}

function main(argv: readonly string[]): void {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      version: { type: "string" },
      "previous-version": { type: "string" },
      "fingerprint-from": { type: "string" },
      out: { type: "string" },
    },
  });
  const [stack] = positionals;
  if (stack === undefined)
    throw new Error(
      "usage: write-config.ts <stack> [--version v] [--previous-version v] [--fingerprint-from stack] [--out file]",
    );
  const file = policyConfigForStack({
    stack,
    version: values.version,
    previousVersion: values["previous-version"],
    fingerprintFrom: values["fingerprint-from"],
  });
  const text = `${JSON.stringify(file, null, 2)}\n`;
  if (values.out) fs.writeFileSync(values.out, text);
  else process.stdout.write(text);
}

if (require.main === module) main(process.argv.slice(2));
