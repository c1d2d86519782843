import type { GateTarget } from "../../../automation/gates/gate";
import type {
  RolloutApi,
  RolloutApiFor,
  RolloutObject,
  RolloutRef,
} from "../../../automation/rollouts/kubernetes-rollout-controller";

type Step = { setWeight: number } | { pause: { duration?: string } };

/** The canary of the example stacks: 10% -> wait for a person -> 50% -> 5m -> 100%. */
export const CANARY_STEPS: readonly Step[] = [
  { setWeight: 10 },
  { pause: {} },
  { setWeight: 50 },
  { pause: { duration: "5m" } },
  { setWeight: 100 },
];

/** `spec.rollbackWindow.revisions` of our Rollout (infra/aws/rollout-spec.ts). */
const ROLLBACK_WINDOW = 2;

interface RolloutState {
  image: string;
  stable: string;
  /** Versions that were stable before, newest last: the revisions a rollback may fast-track to. */
  history: string[];
  index: number;
  phase: "Progressing" | "Paused" | "Healthy" | "Degraded";
  abort: boolean;
  weight: number;
  message: string;
}

/**
 * Argo Rollouts in memory, behind the same API calls as a cluster (RolloutApi): the driver's
 * real Kubernetes controller talks to it. It reconciles one step per read: a new image starts
 * the canary from step 0, `setWeight` moves the canary's share, a pause without a duration
 * waits for a promote (a status patch), a timed pause passes, the last step makes the new
 * image stable. An abort sends all traffic to stable; an image set back to stable, or to a
 * revision inside the rollback window, settles the Rollout there at once (Argo skips the steps
 * and the analysis then: "Rollback Windows", Argo Rollouts 1.4 and later).
 */
export class FakeArgo {
  readonly actions: string[] = [];
  private readonly rollouts = new Map<string, RolloutState>();
  private readonly degradeAt = new Map<string, number>();

  /** Stage ids ("us/us-op1") whose Rollouts exist, all on `version`. */
  constructor(stages: readonly string[], version = "2.0.0") {
    for (const stage of stages) {
      this.rollouts.set(stage, {
        image: version,
        stable: version,
        history: [],
        index: CANARY_STEPS.length,
        phase: "Healthy",
        abort: false,
        weight: 0,
        message: "",
      });
    }
  }

  /** Argo's analysis fails when the canary of `stage` reaches step `index`. */
  degradeOn(stage: string, index = 1): this {
    this.degradeAt.set(stage, index);
    return this;
  }

  /** What `pulumi up` does to the cluster: the Rollout's image follows rolloutVersion. */
  applyImage(stage: string, version: string): void {
    const rollout = this.rollouts.get(stage);
    if (rollout === undefined || rollout.image === version) return;
    rollout.image = version;
    const recent = rollout.history.slice(-ROLLBACK_WINDOW);
    if (version !== rollout.stable && recent.includes(version)) {
      rollout.history = [...rollout.history, rollout.stable];
      rollout.stable = version;
    }
    if (version === rollout.stable) {
      Object.assign(rollout, {
        index: CANARY_STEPS.length,
        phase: "Healthy",
        abort: false,
        weight: 0,
        message: "",
      });
    } else {
      Object.assign(rollout, {
        index: 0,
        phase: "Progressing",
        abort: false,
        weight: 0,
        message: "",
      });
    }
  }

  state(stage: string): Readonly<RolloutState> {
    const rollout = this.rollouts.get(stage);
    if (rollout === undefined) throw new Error(`no Rollout for ${stage}`);
    return rollout;
  }

  readonly apiFor: RolloutApiFor = (target: GateTarget) =>
    Promise.resolve(this.api(`${target.stack}/${target.outpost}`));

  private api(stage: string): RolloutApi {
    const rollout = () => this.state(stage) as RolloutState;
    return {
      get: (ref: RolloutRef) => {
        if (ref.name !== "storefront") throw new Error(`no Rollout ${ref.namespace}/${ref.name}`);
        this.reconcile(stage, rollout());
        return Promise.resolve(this.objectOf(rollout()));
      },
      // `spec.paused: false` alone changes nothing here: the status patch resumes the step.
      patchSpec: () => Promise.resolve(),
      patchStatus: (_ref, status) => {
        const r = rollout();
        if (status.abort === true) {
          this.actions.push(`abort ${stage}`);
          Object.assign(r, {
            abort: true,
            phase: "Degraded",
            weight: 0,
            message: "RolloutAborted",
          });
        } else if (status.pauseConditions === null && r.phase === "Paused") {
          this.actions.push(`promote ${stage}`);
          Object.assign(r, { phase: "Progressing", index: r.index + 1 });
        }
        return Promise.resolve();
      },
    };
  }

  private reconcile(stage: string, r: RolloutState): void {
    if (r.abort || r.phase !== "Progressing") return;
    if (this.degradeAt.get(stage) === r.index) {
      Object.assign(r, { phase: "Degraded", message: "analysis failed" });
      return;
    }
    const step = CANARY_STEPS[r.index];
    if (step === undefined) {
      Object.assign(r, {
        phase: "Healthy",
        history: [...r.history, r.stable],
        stable: r.image,
        weight: 0,
      });
    } else if ("setWeight" in step) {
      Object.assign(r, { weight: step.setWeight, index: r.index + 1 });
    } else if (step.pause.duration === undefined) {
      r.phase = "Paused";
    } else {
      r.index++;
    }
  }

  private objectOf(r: RolloutState): RolloutObject {
    return {
      spec: {
        paused: r.phase === "Paused",
        template: { spec: { containers: [{ image: `storefront:${r.image}` }] } },
        strategy: { canary: { steps: CANARY_STEPS.map((s) => ({ ...s })) } },
      },
      status: {
        phase: r.phase,
        abort: r.abort,
        message: r.message,
        currentStepIndex: r.index,
        pauseConditions: r.phase === "Paused" ? [{ reason: "CanaryPauseStep" }] : null,
      },
    };
  }
}
