import type { GateTarget } from "../../automation/gates/gate";
import type {
  RolloutApi,
  RolloutApiFor,
  RolloutObject,
} from "../../automation/rollouts/kubernetes-rollout-controller";
import type { Clock } from "../../automation/support/clock";
import { ROLLOUT_PAUSE_FLOORS_ANNOTATION } from "../../infra/contract";
import type { StepTimes } from "./aws-step-times";
import type { OutpostWorld } from "./outpost-world";

/** One Outpost's Rollout since its image last changed. */
interface RolloutRun {
  readonly version: string;
  readonly previous: string;
  readonly startedAt: number;
  /** Each step's own time in ms; undefined: an indefinite pause, which ends at a promote. */
  readonly durations: readonly (number | undefined)[];
  /** When the driver promoted each indefinite pause. */
  readonly promotedAt: Map<number, number>;
  aborted: boolean;
}

/**
 * The Argo Rollouts controller of every simulated Outpost, behind the RolloutApi the real
 * controller port talks to (kubernetes-rollout-controller.ts reads its status the way `kubectl
 * argo rollouts status` does). When the engine applies a new `rolloutVersion`, Argo walks the
 * Rollout spec the program emits (infra/aws/rollout-spec.ts, eks.canarySteps): a setWeight
 * starts the canary pods it needs (ceil(weight x replicas), each ready after podReadyS) and
 * moves the Ingress ALB's weights (ingressWeightS); a pause lasts its duration (an indefinite
 * one until the driver promotes); an analysis lasts its run of measurements. Then it is Healthy.
 */
export class SimulatedArgo {
  private readonly runs = new Map<string, RolloutRun>();

  constructor(
    private readonly world: OutpostWorld,
    private readonly clock: Clock,
    private readonly times: StepTimes,
  ) {}

  /** The Rollout's image moved to `version` now (the canary step's `up`). */
  start(stack: string, outpost: string, version: string, previous: string): void {
    const { model } = this.world.site(stack, outpost);
    let pods = 0;
    // After a setCanaryScale the canary keeps that scale whatever the weights (Argo's
    // traffic management), so a setWeight only moves the Ingress.
    let scaled = false;
    const startPods = (weight: number) => {
      const needed = Math.ceil((weight / 100) * model.rolloutReplicas);
      const podsMs = needed > pods ? this.times.podReadyS * 1000 : 0;
      pods = Math.max(pods, needed);
      return podsMs;
    };
    const durations = model.rolloutSteps.map((step) => {
      if (step.kind === "setCanaryScale") {
        scaled = true;
        return startPods(step.weight);
      }
      if (step.kind === "setWeight") {
        return (scaled ? 0 : startPods(step.weight)) + this.times.ingressWeightS * 1000;
      }
      if (step.kind === "pause")
        return step.seconds === undefined ? undefined : step.seconds * 1000;
      return step.seconds * 1000;
    });
    this.runs.set(`${stack}/${outpost}`, {
      version,
      previous,
      startedAt: this.clock.now(),
      durations,
      promotedAt: new Map(),
      aborted: false,
    });
  }

  /** The share of the Ingress' traffic on the new version now (0 before any canary step). */
  canaryWeight(
    stack: string,
    outpost: string,
    at: number = this.clock.now(),
  ): { weight: number; version: string; previous: string } | undefined {
    const run = this.runs.get(`${stack}/${outpost}`);
    if (run === undefined || at < run.startedAt) return undefined;
    const { model } = this.world.site(stack, outpost);
    const index = this.stepIndex(run, at);
    let weight = 0;
    model.rolloutSteps.slice(0, index).forEach((step) => {
      if (step.kind === "setWeight") weight = step.weight;
    });
    if (index >= model.rolloutSteps.length) weight = 100;
    return { weight: run.aborted ? 0 : weight, version: run.version, previous: run.previous };
  }

  /**
   * Requests the Rollout's pods of `version` served through the Ingress in [from, to) (ms): the
   * Outpost's requestsPerSecond (the Ingress is assumed to take as much as the EC2 ALB) by
   * Argo's weights, integrated per second. Only the latest run's two versions are known.
   */
  ingressRequests(
    stack: string,
    outpost: string,
    version: string,
    from: number,
    to: number,
  ): number {
    let total = 0;
    for (let t = from; t < to; t += 1000) {
      const share = this.canaryWeight(stack, outpost, t);
      if (share === undefined) continue;
      const weight =
        version === share.version
          ? share.weight
          : version === share.previous
            ? 100 - share.weight
            : 0;
      total += (Math.min(1000, to - t) / 1000) * this.times.requestsPerSecond * (weight / 100);
    }
    return total;
  }

  /** The API of each Outpost's cluster, for kubernetesRolloutController. */
  apiFor(): RolloutApiFor {
    return (target: GateTarget) => Promise.resolve(this.api(target.stack, target.outpost));
  }

  private api(stack: string, outpost: string): RolloutApi {
    const key = `${stack}/${outpost}`;
    return {
      get: () => Promise.resolve(this.object(stack, outpost)),
      patchSpec: (_ref, spec) => {
        const run = this.runs.get(key);
        // A promote: an indefinite pause ends now, and the steps after it follow.
        if (run && spec.paused === false) this.promote(run);
        return Promise.resolve();
      },
      patchStatus: (_ref, status) => {
        const run = this.runs.get(key);
        if (run && status.abort === true) run.aborted = true;
        return Promise.resolve();
      },
    };
  }

  /** A promote ends the indefinite pause the Rollout is at, now. */
  private promote(run: RolloutRun): void {
    const index = this.stepIndex(run);
    if (index < run.durations.length && run.durations[index] === undefined) {
      run.promotedAt.set(index, this.clock.now());
    }
  }

  /** The step the Rollout is at `now`: the first not yet ended (steps.length when done). */
  private stepIndex(run: RolloutRun, now: number = this.clock.now()): number {
    let at = run.startedAt;
    for (let i = 0; i < run.durations.length; i++) {
      const own = run.durations[i];
      const end = own === undefined ? run.promotedAt.get(i) : at + own;
      if (end === undefined || end > now) return i;
      at = end;
    }
    return run.durations.length;
  }

  private object(stack: string, outpost: string): RolloutObject {
    const { model } = this.world.site(stack, outpost);
    // The program's own spec, as the cluster would hold it.
    const steps = model.rolloutSpecSteps as {
      setWeight?: number;
      pause?: { duration?: unknown };
    }[];
    const spec = { strategy: { canary: { steps } } };
    // The object as the program annotates it: the driver waits out each pause's floor.
    const metadata = {
      annotations: { [ROLLOUT_PAUSE_FLOORS_ANNOTATION]: JSON.stringify(model.rolloutPauseFloors) },
    };
    const run = this.runs.get(`${stack}/${outpost}`);
    if (run === undefined) {
      return {
        metadata,
        spec,
        status: { phase: "Healthy", currentStepIndex: steps.length, pauseConditions: null },
      };
    }
    const index = this.stepIndex(run);
    if (run.aborted) {
      return {
        metadata,
        spec,
        status: {
          phase: "Degraded",
          abort: true,
          currentStepIndex: index,
          message: "RolloutAborted",
        },
      };
    }
    const step = model.rolloutSteps[index];
    if (step === undefined) {
      return {
        metadata,
        spec,
        status: { phase: "Healthy", currentStepIndex: steps.length, pauseConditions: null },
      };
    }
    const paused = step.kind === "pause";
    return {
      metadata,
      spec: paused && step.seconds === undefined ? { ...spec, paused: true } : spec,
      status: {
        phase: paused ? "Paused" : "Progressing",
        currentStepIndex: index,
        pauseConditions: paused ? [{ reason: "CanaryPauseStep" }] : null,
        message: paused ? "CanaryPauseStep" : "more replicas need to be updated",
      },
    };
  }
}
