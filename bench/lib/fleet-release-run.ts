import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { InMemoryEngine, type OperationTiming } from "../../automation/engine/in-memory-engine";
import { executorSettings } from "../../automation/executor/executor-settings";
import { RolloutExecutor } from "../../automation/executor/rollout-executor";
import { readStackFile } from "../../automation/fleet/stack-discovery";
import { cloudWatchTrafficSource } from "../../automation/gates/adapters/aws/cloudwatch-traffic";
import { stackRoleChainOf } from "../../automation/gates/adapters/aws/stack-role";
import { CandidateTrafficGate } from "../../automation/gates/candidate-traffic-gate";
import { CloudWatchAlarmGate } from "../../automation/gates/cloudwatch-alarm-gate";
import { EcrScanGate } from "../../automation/gates/ecr-scan-gate";
import { ElbTargetHealthGate } from "../../automation/gates/elb-target-health-gate";
import { HttpProbeGate } from "../../automation/gates/http-probe-gate";
import { IntegrationGate } from "../../automation/gates/integration-gate";
import { OutputsVersionGate } from "../../automation/gates/outputs-version-gate";
import { RolloutPhaseGate } from "../../automation/gates/rollout-phase-gate";
import { SecurityGate } from "../../automation/gates/security-gate";
import { StandardGateSuite } from "../../automation/gates/standard-gate-suite";
import type { JournalEvent } from "../../automation/journal/journal-events";
import { buildPlan } from "../../automation/plan/build-plan";
import type { Concurrency } from "../../automation/plan/concurrency";
import type { RolloutPlan } from "../../automation/plan/plan-types";
import { kubernetesRolloutController } from "../../automation/rollouts/kubernetes-rollout-controller";
import {
  DEFAULT_SETTINGS_FILE,
  type DriverSettings,
  loadDriverSettings,
} from "../../automation/settings/driver-settings";
import { silentLogger } from "../../automation/support/logger";
import { loadFleetConfig, stackLayerFromConfig } from "../../infra/config";
import { PROJECT_ROOT } from "../../infra/config/stack-file";
import { outpostsPerStack, type StackFileConfig } from "../../scripts/demo/fleet-shape";
import { withAwsOutposts } from "./aws-stack-shape";
import { type ApiScope, AwsApiLimits, type ThrottledApi } from "./aws-api-quotas";
import {
  engineMs,
  type StackModel,
  stackModelOf,
  STEP_TIMES,
  type StepTimes,
} from "./aws-step-times";
import { EventClock } from "./event-clock";
import { MemoryJournal } from "./memory-journal";
import { ModelledApp } from "./modelled-app";
import { ModelledAwsEngine } from "./modelled-aws-engine";
import { cleanScan, ModelledLoadGate } from "./modelled-test-gates";
import { loadStopErrorsOf } from "../../automation/gates/load-gate";
import { OutpostWorld } from "./outpost-world";
import { seededRandom } from "./seeded-random";
import { SimulatedArgo } from "./simulated-argo";
import {
  appMetricsTrafficSource,
  colorsFromTracks,
} from "../../automation/gates/adapters/aws/app-metrics-traffic";
import { simulatedAlarms, simulatedGetMetricData } from "./simulated-cloudwatch";
import { simulatedTargetHealth } from "./simulated-elb";

/** The example AWS fleet as shipped: three production stacks and their staging stacks. */
export const PRODUCTION_STACKS = ["us", "eu", "apac"];
export const STAGING_STACKS = ["staging-us", "staging-eu", "staging-apac"];
export const RELEASE = "2.1.0";

export interface FleetReleaseOptions {
  /** Production Outposts, spread over the production stacks as the demo spreads them. */
  readonly outposts: number;
  readonly settings?: DriverSettings;
  readonly times?: StepTimes;
  /** Overrides of the shipped settings (the bench's flags). */
  readonly prestage?: boolean;
  readonly concurrency?: Concurrency;
  readonly pipelineWaves?: boolean;
  /** The project the stack files come from (tests point it at a tiny fleet). */
  readonly projectDir?: string;
  readonly productionStacks?: readonly string[];
  readonly stagingStacks?: readonly string[];
}

/** Where the time of a release went: per step kind, and per wave and step kind. */
export interface FleetReleaseResult {
  readonly outposts: number;
  /** Until `release-deployed`: the release's deploy time. */
  readonly totalSeconds: number;
  /** After it: the scale-down delay and its `up`, off the critical path. */
  readonly finalizeSeconds: number;
  readonly byStepKind: Record<string, number>;
  readonly waves: { name: string; seconds: number; byStepKind: Record<string, number> }[];
  readonly apiCalls: Record<ThrottledApi, { calls: number; waitedMs: number }>;
  readonly twoColorOutpostHours: number;
  readonly plan: RolloutPlan;
  readonly wallMs: number;
}

interface LoadedStack {
  readonly file: string;
  readonly scope: ApiScope;
  readonly model: StackModel;
  readonly imageRepository: string;
}

/**
 * The stack files as shipped, the production ones scaled to `outposts` the way the demo scales
 * them (aws-stack-shape.ts: more Outposts made in the image of the file's own, each stack its even
 * share), written to a scratch folder and read back with the driver's and the program's own
 * readers.
 */
function loadStacks(options: FleetReleaseOptions, scratch: string): Map<string, LoadedStack> {
  const projectDir = options.projectDir ?? PROJECT_ROOT;
  const production = options.productionStacks ?? PRODUCTION_STACKS;
  const staging = options.stagingStacks ?? STAGING_STACKS;
  const counts = outpostsPerStack(options.outposts, production.length);
  const stacks = new Map<string, LoadedStack>();
  for (const [name, count] of [
    ...production.map((name, i) => [name, counts[i]] as const),
    ...staging.map((name) => [name, undefined] as const),
  ]) {
    const raw = parse(
      fs.readFileSync(path.join(projectDir, `Pulumi.${name}.yaml`), "utf8"),
    ) as StackFileConfig;
    const shaped = count === undefined ? raw : withAwsOutposts(name, raw, count);
    const file = path.join(scratch, `Pulumi.${name}.yaml`);
    fs.writeFileSync(file, stringify(shaped));
    const config = loadFleetConfig(stackLayerFromConfig(shaped.config));
    // The stack's own account: the last role of its chain.
    const role = stackRoleChainOf(shaped.config)?.at(-1);
    const account = role?.roleArn.split(":")[4] ?? "driver";
    stacks.set(name, {
      file,
      scope: { account, region: config.awsRegion ?? "us-east-1" },
      model: stackModelOf(config),
      imageRepository: config.app.imageRepository,
    });
  }
  return stacks;
}

/** One release of the shipped settings across the fleet, on the event clock. */
export async function runFleetRelease(options: FleetReleaseOptions): Promise<FleetReleaseResult> {
  const times = options.times ?? STEP_TIMES;
  const shipped = options.settings ?? loadDriverSettings(DEFAULT_SETTINGS_FILE, PROJECT_ROOT);
  const settings: DriverSettings = {
    ...shipped,
    ...(options.prestage === undefined ? {} : { prestage: options.prestage }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.pipelineWaves === undefined ? {} : { pipelineWaves: options.pipelineWaves }),
  };
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-bench-release-"));
  try {
    const loaded = loadStacks(options, scratch);
    const fleet = [...loaded.values()].map((stack) => readStackFile(stack.file));
    const clock = new EventClock();
    const world = new OutpostWorld(clock, times);
    const limits = new AwsApiLimits(clock);
    const argo = new SimulatedArgo(world, clock, times);
    for (const stack of fleet) {
      const { scope, model } = loaded.get(stack.name)!;
      for (const outpost of stack.outposts) {
        world.add(stack.name, outpost, stack.deployment[outpost], scope, model);
      }
    }
    // The engine's own time per up and preview, and when it was busy (for the engine column).
    const engineBusy: [number, number][] = [];
    const outpostsOf = new Map(fleet.map((s) => [s.name, s.outposts.length]));
    const timing: OperationTiming = (operation) => {
      if (operation.op !== "up" && operation.op !== "preview") return 0;
      const ms = engineMs(times, outpostsOf.get(operation.stack) ?? 0);
      engineBusy.push([clock.now(), clock.now() + ms]);
      return ms;
    };
    const inner = new InMemoryEngine(
      fleet.map((s) => ({
        name: s.name,
        target: s.target,
        release: s.release,
        deployment: s.deployment,
        eksOutposts: loaded.get(s.name)!.model.eksOutposts,
      })),
      { clock, timing },
    );
    const scopes = new Map([...loaded].map(([name, s]) => [name, s.scope]));
    const engine = new ModelledAwsEngine(inner, world, limits, argo, clock, scopes);
    const app = new ModelledApp(
      world,
      argo,
      clock,
      seededRandom(1),
      (stack) => scopes.get(stack)!.region,
    );
    const rollouts = kubernetesRolloutController(argo.apiFor());
    const elb = simulatedTargetHealth(world, limits, clock);
    // The same sources the driver builds (cli/engine-options.ts), on the simulated CloudWatch.
    const metricData = simulatedGetMetricData(world, limits, clock, argo);
    const appMetrics = appMetricsTrafficSource(metricData, () => clock.now());
    const gates = new StandardGateSuite({
      http: new HttpProbeGate(app.exchange, settings.analysis),
      candidateTraffic: new CandidateTrafficGate(
        {
          cloudwatch: cloudWatchTrafficSource(metricData, () => clock.now()),
          "app-metrics": colorsFromTracks(appMetrics),
        },
        settings.analysis,
        appMetrics,
      ),
      outputsVersion: new OutputsVersionGate(),
      targetHealth: new ElbTargetHealthGate(elb),
      alarms: new CloudWatchAlarmGate(
        simulatedAlarms(world, limits, clock),
        settings.analysis.evidence.floorAlarmPeriods,
      ),
      rollout: new RolloutPhaseGate(rollouts),
      integration: new IntegrationGate(app.exchange, settings.stagingTests.integration.checks),
      security: new SecurityGate(app.exchange, settings.stagingTests.security),
      ecrScan: new EcrScanGate(
        cleanScan,
        (target) => loaded.get(target.stack)!.imageRepository,
        settings.stagingTests.security.ecrScan.failAtSeverity,
      ),
      load: new ModelledLoadGate(
        settings.stagingTests.load,
        loadStopErrorsOf(settings.analysis),
        clock,
        world,
        times,
      ),
    });
    const plan = buildPlan({
      release: RELEASE,
      stacks: fleet,
      waveOrder: settings.waveOrder,
      concurrency: settings.concurrency,
      traffic: settings.traffic,
      eksCanary: settings.eksCanary,
      rollbackScope: settings.rollbackScope,
      prestage: settings.prestage,
      schedule: {
        pipelineWaves: settings.pipelineWaves,
        prestageBesideStagingTests: settings.prestageBesideStagingTests,
      },
    });
    const journal = new MemoryJournal(() => clock.now());
    const awsRegions = Object.fromEntries([...loaded].map(([name, s]) => [name, s.scope.region]));
    const executor = new RolloutExecutor({
      engine,
      gates,
      rollouts,
      journal,
      clock,
      log: silentLogger(),
      settings: executorSettings(settings, awsRegions),
      actor: { user: "bench", host: os.hostname(), pid: process.pid },
    });
    const wallStarted = performance.now();
    const outcome = await executor.start(plan, "bench:fleet-release");
    const wallMs = performance.now() - wallStarted;
    const { events } = await journal.read();
    if (outcome.kind !== "succeeded") {
      const failed = events.filter((e) => e.type === "stage-failed").map((e) => JSON.stringify(e));
      throw new Error(
        `the modelled release did not succeed: ${JSON.stringify(outcome)} ${failed.join(" ")}`,
      );
    }
    return {
      outposts: options.outposts,
      ...timeBreakdown(plan, events, engineBusy),
      apiCalls: limits.usage(),
      twoColorOutpostHours: world.twoColorHours(),
      plan,
      wallMs,
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** How the journal names step kinds in the bench's table. */
const KIND_NAMES: Record<string, string> = { canary: "eks-canary", test: "staging-tests" };

/**
 * The release's time along its critical path, split without overlap: walking back from
 * `release-deployed`, the step that ended last, then the one that ended last before it started,
 * and so on (steps beside it, such as a bake under a longer EKS canary, cost the release
 * nothing); before the first, preflight. Each counts per wave and step kind, with the engine's
 * own time inside taken out into `engine`, so the columns add up to the total. Finalize, after
 * `release-deployed`, is reported apart.
 */
export function timeBreakdown(
  plan: RolloutPlan,
  events: readonly JournalEvent[],
  engineBusy: readonly (readonly [number, number])[],
): Pick<FleetReleaseResult, "totalSeconds" | "finalizeSeconds" | "byStepKind" | "waves"> {
  const at = (e: JournalEvent) => Date.parse(e.at);
  const start = at(events.find((e) => e.type === "release-started")!);
  const deployed = at(events.find((e) => e.type === "release-deployed")!);
  const end = at(events.find((e) => e.type === "release-finished")!);
  const kindOf = (step: string) => {
    if (step === "prestage" || step === "sync-stack") return step;
    const spec = Object.values(plan.steps)
      .flat()
      .find((s) => s.id === step);
    const kind = spec?.kind ?? step;
    return KIND_NAMES[kind] ?? kind;
  };
  const steps: Segment[] = [];
  const open = new Map<string, number>();
  for (const event of events) {
    if (event.type === "step-started")
      open.set(`${event.wave}/${event.batch}/${event.step}`, at(event));
    if (event.type === "step-completed") {
      const key = `${event.wave}/${event.batch}/${event.step}`;
      steps.push({
        wave: event.wave,
        kind: kindOf(event.step),
        from: open.get(key)!,
        to: at(event),
      });
    }
  }
  const segments = criticalPath(steps, start, deployed);
  const engineIn = (from: number, to: number) => unionLength(engineBusy, from, to);
  const byStepKind: Record<string, number> = {};
  const waves = new Map<string, Record<string, number>>();
  const add = (record: Record<string, number>, kind: string, ms: number) => {
    record[kind] = (record[kind] ?? 0) + ms / 1000;
  };
  for (const segment of segments) {
    const engine = engineIn(segment.from, segment.to);
    const wave = waves.get(segment.wave) ?? {};
    waves.set(segment.wave, wave);
    for (const record of [byStepKind, wave]) {
      add(record, segment.kind, segment.to - segment.from - engine);
      add(record, "engine", engine);
    }
  }
  const order = [
    "preflight",
    ...plan.waves.filter((w) => w.staging).map((w) => w.name),
    "prestage",
  ];
  const names = [...order, ...plan.waves.filter((w) => !w.staging).map((w) => w.name)];
  return {
    totalSeconds: (deployed - start) / 1000,
    finalizeSeconds: (end - deployed) / 1000,
    byStepKind,
    waves: names
      .filter((name) => waves.has(name))
      .map((name) => {
        const record = waves.get(name)!;
        return {
          name,
          seconds: Object.values(record).reduce((a, b) => a + b, 0),
          byStepKind: record,
        };
      }),
  };
}

interface Segment {
  readonly wave: string;
  readonly kind: string;
  readonly from: number;
  readonly to: number;
}

/**
 * The steps the release waited on, from `end` back to `start`: the step that ended last (the
 * driver's own time after it, its journal appends and boundary checks, counts with it), then
 * the same before that step started; what is left at the start is preflight.
 */
function criticalPath(steps: readonly Segment[], start: number, end: number): Segment[] {
  const path: Segment[] = [];
  let cursor = end;
  for (;;) {
    const before = steps.filter((s) => s.to <= cursor && s.from < cursor && s.from >= start);
    if (before.length === 0) break;
    const last = before.reduce((a, b) =>
      b.to > a.to || (b.to === a.to && b.from < a.from) ? b : a,
    );
    path.push({ ...last, to: cursor });
    cursor = last.from;
  }
  path.push({ wave: "preflight", kind: "preflight", from: start, to: cursor });
  return path;
}

/** The length of [from, to) covered by the union of the intervals. */
function unionLength(
  intervals: readonly (readonly [number, number])[],
  from: number,
  to: number,
): number {
  const clipped = intervals
    .map(([a, b]) => [Math.max(a, from), Math.min(b, to)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let reach = from;
  for (const [a, b] of clipped) {
    if (b <= reach) continue;
    total += b - Math.max(a, reach);
    reach = b;
  }
  return total;
}
