import { APP_METRICS_PERIOD_SECONDS } from "../../infra/aws/app-metrics";
import type {
  DriverConfig,
  DriverConfigChange,
  EnginePort,
  PendingOperation,
  PreviewOptions,
  PreviewOutcome,
  StackOutputs,
} from "../../automation/engine/engine-port";
import type { InMemoryEngine } from "../../automation/engine/in-memory-engine";
import type { Clock } from "../../automation/support/clock";
import {
  COLORS,
  type Color,
  type OutpostDeploymentState,
  type OutpostOutputs,
} from "../../infra/contract";
import type { ApiScope, AwsApiLimits } from "./aws-api-quotas";
import type { OutpostWorld } from "./outpost-world";
import type { SimulatedArgo } from "./simulated-argo";
import { ALARM_KINDS, alarmName, endpointsOf, targetGroupArn } from "./simulated-names";

/**
 * The in-memory engine with what AWS does during an `up`: the engine port the executor drives,
 * decorating the real InMemoryEngine (whose `timing` hook charges the engine's own time per
 * `up` and preview, aws-step-times.ts). Before the in-memory `up` applies the config, the
 * Outposts it targets change in the simulated world as the AWS provider would change them:
 *
 * - a color whose group gets a new version or is scaled up launches instances, and the
 *   provider waits for capacity as the Terraform AWS provider it bridges does
 *   (statusGroupCapacity in internal/service/autoscaling: each poll calls
 *   DescribeScalingActivities, DescribeAutoScalingGroups and DescribeTargetHealth per target
 *   group; polls back off from 100 ms doubling to 10 s, helper/retry StateChangeConf), each poll
 *   drawing on the account's Auto Scaling and ELB buckets, until the instances are InService;
 * - new listener weights (shift, flip) take `listenerChangeS`; a scale-down too;
 * - a new `rolloutVersion` starts the Rollout in the simulated Argo;
 * - an untargeted `up` (sync-stack) updates the stack-wide resources: `listenerChangeS`.
 *
 * Its outputs are the AWS program's: https endpoints, the test listener on 8443, target-group
 * ARNs and the ALB dimensions, the six alarms per Outpost, the Rollout's Ingress.
 */
export class ModelledAwsEngine implements EnginePort {
  constructor(
    private readonly inner: InMemoryEngine,
    private readonly world: OutpostWorld,
    private readonly limits: AwsApiLimits,
    private readonly argo: SimulatedArgo,
    private readonly clock: Clock,
    private readonly scopes: ReadonlyMap<string, ApiScope>,
  ) {}

  prepareStack(stack: string): Promise<void> {
    return this.inner.prepareStack(stack);
  }

  readDriverConfig(stack: string): Promise<DriverConfig> {
    return this.inner.readDriverConfig(stack);
  }

  writeDriverConfig(stack: string, change: DriverConfigChange): Promise<void> {
    return this.inner.writeDriverConfig(stack, change);
  }

  preview(stack: string, options: PreviewOptions): Promise<PreviewOutcome> {
    return this.inner.preview(stack, options);
  }

  async up(stack: string, options: { readonly outposts?: readonly string[] } = {}): Promise<void> {
    const desired = this.inner.configuredDeployment(stack);
    const targets = options.outposts ?? Object.keys(desired);
    await Promise.all(
      targets.map((outpost) =>
        this.change(stack, outpost, this.inner.deployedState(stack, outpost), desired[outpost]),
      ),
    );
    if (options.outposts === undefined)
      await this.clock.sleep(this.world.times.listenerChangeS * 1000);
    await this.inner.up(stack, options);
  }

  async outputs(stack: string): Promise<StackOutputs> {
    const outputs = await this.inner.outputs(stack);
    const scope = this.scopeOf(stack);
    const outposts: Record<string, OutpostOutputs> = {};
    for (const [outpost, own] of Object.entries(outputs.outposts)) {
      const arns = { blue: "", green: "" };
      for (const color of COLORS) {
        arns[color] = targetGroupArn(scope.region, scope.account, stack, outpost, color);
      }
      const doors = endpointsOf(stack, outpost);
      outposts[outpost] = {
        ...own,
        endpoint: doors.endpoint,
        previewEndpoint: doors.previewEndpoint,
        // As the program's outputs name them (infra/aws/outpost-site.ts, app-metrics.ts).
        trafficStats: {
          kind: "app-metrics",
          namespace: this.world.site(stack, outpost).model.metricsNamespace,
          outpost,
          periodSeconds: APP_METRICS_PERIOD_SECONDS,
        },
        targetGroups: arns,
        alarms: COLORS.flatMap((color) =>
          ALARM_KINDS.map((kind) => alarmName(stack, outpost, color, kind)),
        ),
        rollout: own.rollout && { ...own.rollout, ingressEndpoint: doors.ingressEndpoint },
      };
    }
    return { ...outputs, outposts };
  }

  refresh(stack: string, options?: { readonly clearPendingCreates?: boolean }): Promise<void> {
    return this.inner.refresh(stack, options);
  }

  pendingOperations(stack: string): Promise<readonly PendingOperation[]> {
    return this.inner.pendingOperations(stack);
  }

  cancel(stack: string): Promise<void> {
    return this.inner.cancel(stack);
  }

  readConfig(stack: string): Promise<Readonly<Record<string, unknown>>> {
    return this.inner.readConfig(stack);
  }

  kubeconfig(): Promise<string | undefined> {
    return this.inner.kubeconfig();
  }

  /** What AWS does to one Outpost for the change from `before` to `after`. */
  private async change(
    stack: string,
    outpost: string,
    before: OutpostDeploymentState | undefined,
    after: OutpostDeploymentState | undefined,
  ): Promise<void> {
    if (before === undefined || after === undefined) return;
    const times = this.world.times;
    const warm = (state: OutpostDeploymentState, color: Color) =>
      state.activeColor === color || state.idleWarm;
    const version = (state: OutpostDeploymentState, color: Color) =>
      color === "blue" ? state.blueVersion : state.greenVersion;
    await Promise.all(
      COLORS.map(async (color) => {
        if (
          warm(after, color) &&
          (!warm(before, color) || version(before, color) !== version(after, color))
        ) {
          const inServiceAt = this.world.launch(stack, outpost, color, version(after, color));
          await this.waitForCapacity(stack, inServiceAt);
        } else if (warm(before, color) && !warm(after, color)) {
          await this.clock.sleep(times.listenerChangeS * 1000);
          this.world.scaleDown(stack, outpost, color);
        }
      }),
    );
    const weights = { blue: 0, green: 0 };
    const idle: Color = after.activeColor === "blue" ? "green" : "blue";
    weights[after.activeColor] = 100 - after.candidateWeight;
    weights[idle] = after.candidateWeight;
    const now = this.world.weightsNow(stack, outpost);
    if (now.blue !== weights.blue || now.green !== weights.green) {
      await this.clock.sleep(times.listenerChangeS * 1000);
      this.world.setWeights(stack, outpost, weights);
    }
    const site = this.world.site(stack, outpost);
    if (
      after.rolloutVersion !== before.rolloutVersion &&
      site.model.eksOutposts.includes(outpost)
    ) {
      this.argo.start(stack, outpost, after.rolloutVersion, before.rolloutVersion);
    }
  }

  /** The provider's wait for capacity: polls with backoff, each on the account's buckets. */
  private async waitForCapacity(stack: string, inServiceAt: number): Promise<void> {
    const scope = this.scopeOf(stack);
    let wait = 100;
    for (;;) {
      await this.limits.take("autoscaling", scope); // DescribeScalingActivities
      await this.limits.take("autoscaling", scope); // DescribeAutoScalingGroups
      await this.limits.take("elb:Describe", scope); // DescribeTargetHealth (the group's target group)
      if (this.clock.now() >= inServiceAt) return;
      wait = Math.min(wait * 2, 10_000);
      await this.clock.sleep(wait);
    }
  }

  private scopeOf(stack: string): ApiScope {
    const scope = this.scopes.get(stack);
    if (scope === undefined) throw new Error(`no account and Region for stack ${stack}`);
    return scope;
  }
}
