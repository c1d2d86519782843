/**
 * Scale on the real engine: the whole-fleet deploy time of the local demo fleet at two sizes
 * (12 and 48 Outposts by default), with the same settings and the same concurrency percentage
 * (the demo's: every Outpost of a wave after its canary at once), and the ratio. Each size runs
 * `npm run demo` in a child process with a flip-only plan, lighter pools (one process per
 * color) and a lighter load (20 requests/s per Outpost), so that 48 Outposts fit on one machine.
 * The demo's own summary gives the figures: deploy time, engine against driver time, failed
 * requests, the switchover gap.
 *
 * Usage: npm run bench:fleet-scale -- [--sizes 12,48]
 * Needs `npm run toolchain` and HAProxy. Each demo destroys its fleet.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import yargs from "yargs";
import type { DemoSummary } from "../scripts/demo/demo-summary";

const DEMO = path.resolve(__dirname, "..", "scripts", "demo.ts");

function runDemo(outposts: number, work: string): Promise<DemoSummary> {
  const summary = path.join(work, `summary-${outposts}.json`);
  const args = [
    ...["-r", "ts-node/register/transpile-only", DEMO],
    ...["--outposts", String(outposts), "--traffic-steps", "100"],
    ...["--rate", "20", "--processes-per-color", "1", "--ui-port", "0"],
    ...["--summary", summary, "--demo-dir", path.join(work, `demo-${outposts}`)],
  ];
  const log = fs.openSync(path.join(work, `demo-${outposts}.log`), "w");
  return new Promise<DemoSummary>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", log, log] });
    child.on("error", reject);
    child.on("exit", (code) => {
      fs.closeSync(log);
      if (code !== 0)
        return reject(new Error(`the demo of ${outposts} Outposts exited ${code}; see ${work}`));
      resolve(JSON.parse(fs.readFileSync(summary, "utf8")) as DemoSummary);
    });
  });
}

async function main(): Promise<void> {
  const args = yargs(process.argv.slice(2))
    .option("sizes", { type: "string", default: "12,48", describe: "fleet sizes to compare" })
    .strict()
    .parseSync();
  const sizes = args.sizes.split(",").map(Number);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-bench-scale-"));
  const results: DemoSummary[] = [];
  for (const size of sizes) results.push(await runDemo(size, work));
  const s = (ms: number | undefined) => (ms === undefined ? "-" : (ms / 1000).toFixed(1));
  console.log(
    "whole-fleet deploy on the real engine (local target, flip-only, 100% after the canary):",
  );
  console.log("  Outposts  deploy (s)  engine (s)  driver (s)  requests  failed  max gap (ms)");
  for (const r of results) {
    console.log(
      `  ${String(r.outposts).padStart(8)}  ${s(r.deployMs).padStart(10)}  ${s(r.engineMs).padStart(10)}  ` +
        `${s(r.driverMs).padStart(10)}  ${String(r.requests).padStart(8)}  ${String(r.failedRequests).padStart(6)}  ` +
        `${String(r.maxSwitchGapMs).padStart(12)}`,
    );
  }
  const [first, last] = [results[0], results[results.length - 1]];
  console.log(
    `  T(${last.outposts})/T(${first.outposts}) = ${(last.deployMs / first.deployMs).toFixed(2)} ` +
      `for ${(last.outposts / first.outposts).toFixed(1)}x the Outposts`,
  );
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
