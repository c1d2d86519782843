/**
 * Time and peak memory to evaluate one stack of the AWS program under strict mocks, for a
 * 4-Outpost and a 50-Outpost stack. Each size runs in its own process so that peak RSS is its
 * own. Usage: npm run bench:stack  (or: ts-node bench/stack-evaluation.ts [sizes...])
 */
import "../test/support/fast-stack-traces";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { recordStack } from "../test/support/record-stack";
import { syntheticStack } from "./synthetic-fleet";

interface Sample {
  outposts: number;
  resources: number;
  /** Loading the program's modules (@pulumi/aws dominates), paid once per process. */
  loadSeconds: number;
  seconds: number;
  peakRssMiB: number;
}

async function measureOne(outposts: number): Promise<Sample> {
  const loadStarted = process.hrtime.bigint();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("../infra/aws/fleet");
  const loadSeconds = Number(process.hrtime.bigint() - loadStarted) / 1e9;
  const started = process.hrtime.bigint();
  const { resources } = await recordStack(syntheticStack(outposts));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    outposts,
    resources: resources.length,
    loadSeconds,
    seconds,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

function runChild(outposts: number): Sample {
  const output = execFileSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", __filename, "--child", String(outposts)],
    { cwd: path.resolve(__dirname, ".."), encoding: "utf8" },
  );
  return JSON.parse(output.trim().split("\n").pop() ?? "{}") as Sample;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === "--child") {
    console.log(JSON.stringify(await measureOne(Number(args[1]))));
    return;
  }
  const sizes = args.length > 0 ? args.map(Number) : [4, 50];
  const samples = sizes.map(runChild);
  console.log("outposts  resources  load s  evaluate s  peak RSS (MiB)  s/outpost");
  for (const s of samples) {
    console.log(
      `${String(s.outposts).padStart(8)}  ${String(s.resources).padStart(9)}  ${s.loadSeconds.toFixed(2).padStart(6)}  ${s.seconds.toFixed(2).padStart(10)}  ${s.peakRssMiB.toFixed(0).padStart(14)}  ${(s.seconds / s.outposts).toFixed(3).padStart(9)}`,
    );
  }
  if (samples.length >= 2) {
    const [small, large] = [samples[0], samples[samples.length - 1]];
    const timeRatio = large.seconds / small.seconds;
    const sizeRatio = large.outposts / small.outposts;
    console.log(
      `time ratio ${timeRatio.toFixed(2)} for ${sizeRatio.toFixed(1)}x the Outposts (linear would be ${sizeRatio.toFixed(1)})`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
