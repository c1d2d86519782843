import { expect } from "chai";
import type { OutpostOutputs } from "../../infra/contract";
import { ROLLOUT_PAUSE_FLOORS_ANNOTATION } from "../../infra/contract";
import { watchCanary } from "../../automation/executor/canary-watch";
import type { Gate, GateSuite, GateTarget, Measurement } from "../../automation/gates/gate";
import { rolloutStatusOf } from "../../automation/rollouts/kubernetes-rollout-controller";
import type {
  RolloutController,
  RolloutStatus,
} from "../../automation/rollouts/rollout-controller";
import { DEFAULT_SETTINGS } from "../../automation/settings/driver-settings";
import { VirtualClock } from "../../automation/support/clock";
import { silentLogger } from "../../automation/support/logger";

const outputs = {
  outpost: "dub-dc1",
  endpoint: "https://dub.example.com",
  previewEndpoint: "https://dub.example.com:8443",
  serviceDomain: null,
  trafficStats: {
    kind: "cloudwatch",
    loadBalancer: "app/a/1",
    targetGroups: { blue: "b", green: "g" },
  },
  activeColor: "blue",
  candidateWeight: 0,
  versions: { blue: "2.0.0", green: "2.1.0" },
  weights: { blue: 100, green: 0 },
  targetGroups: { blue: "b", green: "g" },
  alarms: [],
  cluster: "dub",
  rollout: {
    name: "storefront",
    namespace: "storefront",
    version: "2.1.0",
    stableService: "storefront-stable",
    canaryService: "storefront-canary",
    ingressEndpoint: "https://k8s.example.com",
  },
} as OutpostOutputs;
const target: GateTarget = {
  stack: "eu",
  outpost: "dub-dc1",
  target: "aws",
  awsRegion: "eu-west-1",
  outputs,
  phase: "shift",
  release: "2.1.0",
  previousVersion: "2.0.0",
  candidateColor: "green",
};

/** A Rollout at its indefinite pauses (floors 120 s and 300 s) until promoted, then done. */
class PausedRollout implements RolloutController {
  readonly promotedAt: number[] = [];
  aborted = false;
  constructor(private readonly clock: VirtualClock) {}
  status(): Promise<RolloutStatus> {
    const floors = [120, 300];
    const at = this.promotedAt.length;
    return Promise.resolve({
      phase: at < floors.length ? "Paused" : "Healthy",
      aborted: this.aborted,
      waitingForPromotion: at < floors.length && !this.aborted,
      complete: at >= floors.length,
      message: "",
      ...(at < floors.length ? { pauseFloorSeconds: floors[at] } : {}),
    });
  }
  promote(): Promise<void> {
    this.promotedAt.push(this.clock.now());
    return Promise.resolve();
  }
  abort(): Promise<void> {
    this.aborted = true;
    return Promise.resolve();
  }
}

const suiteOf = (measure: () => Measurement): GateSuite => {
  const gate: Gate = { name: "canary-evidence", measure: () => Promise.resolve(measure()) };
  return { gatesFor: () => [gate] };
};

describe("EKS canary: pauses are floors, the evidence promotes", () => {
  it("reads each indefinite pause's floor from the Rollout's annotation", () => {
    const status = rolloutStatusOf({
      metadata: { annotations: { [ROLLOUT_PAUSE_FLOORS_ANNOTATION]: '{"1":120,"3":300}' } },
      spec: {
        strategy: {
          canary: { steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 50 }, { pause: {} }] },
        },
      },
      status: {
        phase: "Paused",
        currentStepIndex: 3,
        pauseConditions: [{ reason: "CanaryPauseStep" }],
      },
    });
    expect(status).to.deep.include({ waitingForPromotion: true, pauseFloorSeconds: 300 });
    const unannotated = rolloutStatusOf({
      spec: { strategy: { canary: { steps: [{ setWeight: 10 }, { pause: {} }] } } },
      status: {
        phase: "Paused",
        currentStepIndex: 1,
        pauseConditions: [{ reason: "CanaryPauseStep" }],
      },
    });
    expect(unannotated).to.not.have.property("pauseFloorSeconds");
  });

  it("promotes each pause once the evidence has passed and its floor has elapsed, not before", async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const rollouts = new PausedRollout(clock);
    const reason = await watchCanary(target, {
      rollouts,
      gates: suiteOf(() => ({ verdict: "pass", detail: "shown", conclusive: true })),
      analysis: DEFAULT_SETTINGS.analysis,
      timeoutMs: 1_800_000,
      clock,
      log: silentLogger(),
    });
    expect(reason).to.equal(undefined);
    // 120 s floor, then the watch's next look (10 s), then the 300 s floor.
    expect(rollouts.promotedAt.map((t) => (t - start) / 1000)).to.deep.equal([120, 430]);
  });

  it("aborts at once when the canary's evidence fails, whatever the floor", async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const rollouts = new PausedRollout(clock);
    const reason = await watchCanary(target, {
      rollouts,
      gates: suiteOf(() => ({ verdict: "fail", detail: "errors 12/40", conclusive: true })),
      analysis: DEFAULT_SETTINGS.analysis,
      timeoutMs: 1_800_000,
      clock,
      log: silentLogger(),
    });
    expect(reason).to.equal("canary-evidence: errors 12/40");
    expect(rollouts.aborted).to.equal(true);
    expect(clock.now() - start).to.equal(0);
  });

  it("fails closed and aborts when the evidence stays thin past its timeout", async () => {
    const clock = new VirtualClock();
    const rollouts = new PausedRollout(clock);
    const reason = await watchCanary(target, {
      rollouts,
      gates: suiteOf(() => ({
        verdict: "pending",
        detail: "40 requests, a pass needs at least 595",
      })),
      analysis: DEFAULT_SETTINGS.analysis,
      timeoutMs: 1_800_000,
      clock,
      log: silentLogger(),
    });
    expect(reason).to.equal(
      "canary-evidence: too little evidence after 900s (fails closed): 40 requests, a pass needs at least 595",
    );
    expect(rollouts.aborted).to.equal(true);
  });
});
