/**
 * Zero-downtime figures of the local target: on one Outpost (two pools of two processes
 * behind HAProxy) under constant load, flips the active color several times through the
 * balancer provider (the runtime API, as `pulumi up` would) and reports how long each flip
 * takes, how long until the old version stops answering, the switchover gap as a client sees it
 * (the longest time without a successful answer while a flip is under way: p50, p99 and max over
 * every flip), and every failed or dropped request.
 *
 * Load: autocannon against 127.0.0.1 for a bounded few seconds (throughput, errors, latency),
 * plus a light probe loop that records which version answered each request, and when, and one
 * on the preview frontend (which must serve only the candidate, before and after each flip).
 *
 * Usage: npm run bench:flip -- [--seconds 30] [--flips 50] [--connections 16]
 * Needs HAProxy (apt-get install haproxy). Leaves no process behind.
 */
import autocannon from "autocannon";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import yargs from "yargs";
import { Color, otherColor } from "../infra/contract";
import { workerPid } from "../infra/local/haproxy/haproxy-process";
import { stopProcessGroup } from "../infra/local/process/processes";
import { appPoolProvider } from "../infra/local/providers/app-pool-provider";
import { balancerProvider } from "../infra/local/providers/balancer-provider";
import { BalancerInputs, BalancerOutputs } from "../infra/local/providers/balancer-types";
import { AppPoolInputs, AppPoolOutputs } from "../infra/local/providers/pool-types";
import { findExecutable } from "../infra/local/local-runtime";
import { LoadResult, runLoad } from "./lib/http-load";
import { longestGap, spreadOf } from "./lib/switch-gap";

const VERSIONS: Record<Color, string> = { blue: "2.0.0", green: "2.1.0" };

interface FlipFigure {
  readonly to: Color;
  /** Wall time of the balancer update (health preflight, config check, runtime API commands). */
  readonly updateMs: number;
  /** From the start of the update until the last answer from the old color's version. */
  readonly switchMs: number | undefined;
  /** Longest time without a successful probe answer, from the update's start until it returned and the old version stopped answering. */
  readonly gapMs: number;
}

function pool(runDir: string, color: Color): AppPoolInputs {
  return {
    outpost: "bench-lab1",
    color,
    version: VERSIONS[color],
    count: 2,
    faults: { errorRate: 0, latencyMs: 0 },
    runDir,
    appEntry: path.resolve(__dirname, "..", "app", "launch.js"),
    readyPath: "/ready",
    tags: {},
  };
}

function balancer(
  runDir: string,
  haproxyBin: string,
  active: Color,
  ports: Record<Color, readonly number[]>,
): BalancerInputs {
  return {
    outpost: "bench-lab1",
    activeColor: active,
    candidateWeight: 0,
    versions: VERSIONS,
    backend: "storefront",
    slotsPerColor: 2,
    ports,
    weights: { [active]: 100, [otherColor(active)]: 0 } as Record<Color, number>,
    healthCheck: { path: "/health", intervalMs: 500, timeoutMs: 400, rise: 2, fall: 2 },
    runDir,
    haproxyBin,
    tags: {},
  };
}

/** Last answer from `version` in [from, to) ms of the probe loop, relative to `from`. */
function lastAnswerFrom(
  probe: LoadResult,
  version: string,
  from: number,
  to: number,
): number | undefined {
  const hits = probe.samples.filter((s) => s.version === version && s.at >= from && s.at < to);
  return hits.length === 0 ? undefined : Math.max(...hits.map((s) => s.at)) - from;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const args = yargs(process.argv.slice(2))
    .option("seconds", { type: "number", default: 30, describe: "load duration" })
    .option("flips", { type: "number", default: 50, describe: "flips during the load" })
    .option("connections", { type: "number", default: 16, describe: "autocannon connections" })
    .strict()
    .parseSync();
  const haproxyBin = findExecutable("haproxy", process.env.PATH);
  if (haproxyBin === undefined)
    throw new Error("HAProxy is not installed (apt-get install haproxy)");
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-bench-"));
  const cleanup: { pid: number; marker: string }[] = [];
  try {
    const setupStarted = Date.now();
    const [blue, green] = await Promise.all(
      (["blue", "green"] as const).map(async (color) => {
        const created = await appPoolProvider.create(pool(runDir, color));
        for (const p of created.outs!.processes) cleanup.push({ pid: p.pid, marker: created.id });
        return { id: created.id, outs: created.outs! as AppPoolOutputs };
      }),
    );
    const ports = { blue: blue.outs.ports, green: green.outs.ports };
    const created = await balancerProvider.create(balancer(runDir, haproxyBin, "blue", ports));
    let lb: { id: string; outs: BalancerOutputs } = { id: created.id, outs: created.outs! };
    cleanup.push({ pid: lb.outs.pid, marker: lb.id });
    const setupMs = Date.now() - setupStarted;
    const workerBefore = await workerPid(lb.outs.socketPath);

    const durationMs = args.seconds * 1000;
    const url = `${lb.outs.endpoint}/version`;
    const cannon = autocannon({
      url,
      connections: args.connections,
      duration: args.seconds,
      timeout: 5,
    });
    const probe = runLoad({ port: lb.outs.frontendPort, durationMs, concurrency: 2 });
    const previewProbe = runLoad({ port: lb.outs.previewPort, durationMs, concurrency: 1 });
    const probeStart = Date.now();

    const flips: FlipFigure[] = [];
    let active: Color = "blue";
    const spacing = durationMs / (args.flips + 1);
    const starts: number[] = [];
    for (let i = 1; i <= args.flips; i++) {
      await new Promise((resolve) => setTimeout(resolve, probeStart + i * spacing - Date.now()));
      const to = otherColor(active);
      const started = Date.now();
      const update = await balancerProvider.update!(
        lb.id,
        lb.outs,
        balancer(runDir, haproxyBin, to, ports),
      );
      lb = { id: lb.id, outs: update.outs! };
      flips.push({ to, updateMs: Date.now() - started, switchMs: undefined, gapMs: 0 });
      starts.push(started - probeStart);
      active = to;
    }
    const [load, probed, previewed] = await Promise.all([cannon, probe, previewProbe]);
    // After each flip has returned (plus 50 ms for requests already in flight), the preview
    // must not answer from the new active color.
    const previewOnActive = flips.reduce((sum, flip, i) => {
      const from = starts[i] + flip.updateMs + 50;
      const to = starts[i + 1] ?? Infinity;
      const at = (x: { at: number }) => x.at + previewed.startedAt - probeStart;
      return (
        sum +
        previewed.samples.filter(
          (x) => at(x) >= from && at(x) < to && x.version === VERSIONS[flip.to],
        ).length
      );
    }, 0);
    const answers = probed.samples.map((s) => ({
      at: probed.startedAt + s.at,
      ok: s.status >= 200 && s.status < 300,
    }));
    const figures = flips.map((flip, i) => {
      const switchMs = lastAnswerFrom(
        probed,
        VERSIONS[otherColor(flip.to)],
        starts[i],
        starts[i + 1] ?? Infinity,
      );
      const from = probeStart + starts[i];
      const to = from + Math.max(flip.updateMs, switchMs ?? 0);
      return { ...flip, switchMs, gapMs: longestGap(answers, { from, to }) };
    });
    const gaps = spreadOf(figures.map((f) => f.gapMs));
    const workerAfter = await workerPid(lb.outs.socketPath);

    const dropped = load.errors + load.timeouts + load.non2xx + load.resets;
    console.log(
      "local flip benchmark: one Outpost, 2 + 2 app processes behind HAProxy, flips via the runtime API",
    );
    console.log(`  setup (2 pools + HAProxy):      ${setupMs} ms`);
    console.log(
      `  load:                           autocannon ${args.connections} connections, ${args.seconds} s, ${url}`,
    );
    console.log(
      `  requests:                       ${load.requests.total} (${Math.round(load.requests.average)}/s), 2xx ${load["2xx"]}`,
    );
    console.log(
      `  failed/dropped:                 ${dropped} (errors ${load.errors}, timeouts ${load.timeouts}, non-2xx ${load.non2xx}, resets ${load.resets})`,
    );
    console.log(
      `  latency:                        p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms, max ${load.latency.max} ms`,
    );
    console.log(
      `  probe loop:                     ${probed.total} requests, ${probed.failed} failed`,
    );
    console.log(
      `  preview probe loop:             ${previewed.total} requests, ${previewed.failed} failed ${JSON.stringify(previewed.statuses)}, ${previewOnActive} from the active color after a flip`,
    );
    if (figures.length <= 10) {
      for (const [i, f] of figures.entries()) {
        const switched = f.switchMs === undefined ? "n/a" : `${f.switchMs} ms`;
        console.log(
          `  flip ${i + 1} -> ${f.to.padEnd(5)}                update ${f.updateMs} ms, old version last seen after ${switched}, gap ${f.gapMs} ms`,
        );
      }
    }
    const switched = figures.flatMap((f) => (f.switchMs === undefined ? [] : [f.switchMs]));
    console.log(
      `  old version last seen after:    ${JSON.stringify(spreadOf(switched))} ms (${switched.length} of ${figures.length} flips)`,
    );
    console.log(
      `  switchover gap (client side):   p50 ${gaps.p50} ms, p99 ${gaps.p99} ms, max ${gaps.max} ms over ${figures.length} flips`,
    );
    console.log(
      `  flip update time:               median ${median(figures.map((f) => f.updateMs))} ms, max ${Math.max(...figures.map((f) => f.updateMs))} ms`,
    );
    console.log(
      `  HAProxy reloads:                ${workerAfter === workerBefore ? 0 : "at least 1"} (worker pid ${workerBefore} -> ${workerAfter})`,
    );

    await balancerProvider.delete!(lb.id, lb.outs);
    await Promise.all([blue, green].map((p) => appPoolProvider.delete!(p.id, p.outs)));
    if (dropped > 0 || probed.failed > 0 || previewOnActive > 0) process.exitCode = 1;
  } finally {
    await Promise.all(cleanup.map(({ pid, marker }) => stopProcessGroup(pid, marker, 1_000)));
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
