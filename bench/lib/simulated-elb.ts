import type {
  TargetHealth,
  TargetHealthReader,
} from "../../automation/gates/elb-target-health-gate";
import type { Clock } from "../../automation/support/clock";
import type { AwsApiLimits } from "./aws-api-quotas";
import type { OutpostWorld } from "./outpost-world";
import { colorOfTargetGroup } from "./simulated-names";

/**
 * DescribeTargetHealth on the simulated fleet: a warm color's `capacity.desired` targets are
 * `initial` from InService until their health checks pass, then `healthy`; a cold color has
 * none. Each call takes a token from the account's ELB Describe bucket in the Region.
 */
export function simulatedTargetHealth(
  world: OutpostWorld,
  limits: AwsApiLimits,
  clock: Clock,
): TargetHealthReader & { describeNow(arn: string): readonly TargetHealth[] } {
  const describeNow = (arn: string): TargetHealth[] => {
    const { stack, outpost, color } = colorOfTargetGroup(arn);
    const site = world.site(stack, outpost);
    const fleet = site.colors[color];
    const now = clock.now();
    if (!fleet.warm || now < fleet.inServiceAt) return [];
    const count = site.model.desiredInstances[outpost] ?? 1;
    const state = now >= fleet.healthyAt ? "healthy" : "initial";
    return Array.from({ length: count }, (_, i) => ({
      id: `i-${outpost}-${color}-${i}`,
      state,
      ...(state === "initial" ? { reason: "Elb.RegistrationInProgress" } : {}),
    }));
  };
  return {
    async describe(_scope, targetGroupArn, signal) {
      const { stack, outpost } = colorOfTargetGroup(targetGroupArn);
      await limits.take("elb:Describe", world.site(stack, outpost).scope, signal);
      return describeNow(targetGroupArn);
    },
    describeNow,
  };
}
