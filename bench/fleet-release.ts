/**
 * An honest model of a whole-fleet release on AWS: the real plan and executor with
 * automation/driver.yaml and the example stacks as shipped (staging wave 0 and its test gates,
 * the prestage, the EKS Rollouts the program emits), the real gate suite and analysis fed by a
 * simulated AWS on a discrete-event virtual clock, for 12, 50 and 100 production Outposts
 * (the us, eu and apac stacks scaled in their own image; the three staging stacks as shipped).
 * Every modelled number names its source in bench/lib/aws-step-times.ts and aws-api-quotas.ts.
 *
 *   npm run bench:fleet-release [-- --json] [--prestage on|off] [--concurrency 50%]
 *     [--pipeline-waves on|off]
 *     [--rps 100] [--metric-delay-s 120] [--instance-ready-s 220] [--listener-s 5]
 *     [--pod-ready-s 25] [--sizes 12,50,100]
 */
import yargs from "yargs";
import { parseConcurrency } from "../automation/plan/concurrency";
import { parseOnOff, parsePrestage } from "../automation/plan/plan-inputs";
import { STEP_TIMES, type StepTimes } from "./lib/aws-step-times";
import { type FleetReleaseResult, runFleetRelease } from "./lib/fleet-release-run";

/** Columns in the order a release runs them. */
const KINDS = [
  "preflight",
  "deploy-idle",
  "prestage",
  "verify",
  "shift",
  "flip",
  "eks-canary",
  "staging-tests",
  "bake",
  "sync-stack",
  "engine",
];

const minutes = (seconds: number | undefined) =>
  seconds === undefined || seconds === 0 ? "-" : (seconds / 60).toFixed(1);

function table(run: FleetReleaseResult): string {
  const kinds = KINDS.filter((kind) => (run.byStepKind[kind] ?? 0) > 0);
  const header = [
    "wave".padEnd(10),
    ...kinds.map((k) => k.padStart(Math.max(7, k.length))),
    "   total",
  ];
  const row = (name: string, record: Record<string, number>, total: number) =>
    [
      name.padEnd(10),
      ...kinds.map((k) => minutes(record[k]).padStart(Math.max(7, k.length))),
      minutes(total).padStart(8),
    ].join(" ");
  return [
    header.join(" "),
    ...run.waves.map((w) => row(w.name, w.byStepKind, w.seconds)),
    row("all", run.byStepKind, run.totalSeconds),
  ].join("\n");
}

async function main(): Promise<void> {
  const args = yargs(process.argv.slice(2))
    .option("json", { type: "boolean", default: false, describe: "one JSON document" })
    .option("prestage", { type: "string", describe: "on|off (default: driver.yaml)" })
    .option("concurrency", { type: "string", describe: "4 or 50% (default: driver.yaml)" })
    .option("pipeline-waves", { type: "string", describe: "on|off (default: driver.yaml)" })
    .option("sizes", { type: "string", default: "12,50,100", describe: "production Outposts" })
    .option("rps", { type: "number", default: STEP_TIMES.requestsPerSecond })
    .option("metric-delay-s", { type: "number", default: STEP_TIMES.metricDelayS })
    .option("instance-ready-s", { type: "number", default: STEP_TIMES.instanceReadyS })
    .option("listener-s", { type: "number", default: STEP_TIMES.listenerChangeS })
    .option("pod-ready-s", { type: "number", default: STEP_TIMES.podReadyS })
    .strict()
    .parseSync();
  const times: StepTimes = {
    ...STEP_TIMES,
    requestsPerSecond: args.rps,
    metricDelayS: args["metric-delay-s"],
    instanceReadyS: args["instance-ready-s"],
    listenerChangeS: args["listener-s"],
    ingressWeightS: args["listener-s"],
    podReadyS: args["pod-ready-s"],
  };
  const sizes = args.sizes.split(",").map(Number);
  const runs: FleetReleaseResult[] = [];
  for (const outposts of sizes) {
    runs.push(
      await runFleetRelease({
        outposts,
        times,
        ...(args.prestage === undefined ? {} : { prestage: parsePrestage(args.prestage) }),
        ...(args["pipeline-waves"] === undefined
          ? {}
          : { pipelineWaves: parseOnOff(args["pipeline-waves"], "--pipeline-waves") }),
        ...(args.concurrency === undefined
          ? {}
          : { concurrency: parseConcurrency(args.concurrency) }),
      }),
    );
  }
  const first = runs[0];
  const last = runs[runs.length - 1];
  const ratio = last.totalSeconds / first.totalSeconds;
  if (args.json) {
    const round = (record: Record<string, number>) =>
      Object.fromEntries(Object.entries(record).map(([k, v]) => [k, Math.round(v * 10) / 10]));
    console.log(
      JSON.stringify({
        runs: runs.map((run) => ({
          outposts: run.outposts,
          totalSeconds: Math.round(run.totalSeconds * 10) / 10,
          finalizeSeconds: Math.round(run.finalizeSeconds * 10) / 10,
          byStepKind: round(run.byStepKind),
          waves: run.waves.map((w) => ({
            name: w.name,
            seconds: Math.round(w.seconds * 10) / 10,
            byStepKind: round(w.byStepKind),
          })),
          apiCalls: run.apiCalls,
          twoColorOutpostHours: Math.round(run.twoColorOutpostHours * 10) / 10,
        })),
        [`ratio${last.outposts}to${first.outposts}`]: Math.round(ratio * 1000) / 1000,
      }),
    );
    return;
  }
  console.log(
    `fleet release (virtual time, minutes): driver.yaml as shipped${args.prestage ? `, prestage ${args.prestage}` : ""}` +
      `${args.concurrency ? `, concurrency ${args.concurrency}` : ""}` +
      `${args["pipeline-waves"] ? `, pipeline waves ${args["pipeline-waves"]}` : ""}; ${times.requestsPerSecond} req/s per Outpost, ` +
      `metric delay ${times.metricDelayS} s, instance ready ${times.instanceReadyS} s\n`,
  );
  for (const run of runs) {
    const batches = run.plan.waves.reduce(
      (sum, w) => sum + new Set(w.stages.map((s) => s.batch)).size,
      0,
    );
    const throttled = Object.entries(run.apiCalls)
      .map(([api, u]) => `${api} ${u.calls} calls, waited ${(u.waitedMs / 1000).toFixed(1)} s`)
      .join("; ");
    console.log(
      `${run.outposts} production Outposts + staging: deployed in ${minutes(run.totalSeconds)} min ` +
        `(critical path below; finalize ${minutes(run.finalizeSeconds)} min after), ${batches} batches, ` +
        `${run.plan.prestage?.batches.length ?? 0} prestage batches, both colors warm ${run.twoColorOutpostHours.toFixed(1)} Outpost-h`,
    );
    console.log(table(run));
    console.log(`  API: ${throttled}\n`);
  }
  console.log(
    `T(${last.outposts}) / T(${first.outposts}) = ${ratio.toFixed(3)}  (${runs.length} releases in ` +
      `${(runs.reduce((s, r) => s + r.wallMs, 0) / 1000).toFixed(1)} s of wall time)`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
