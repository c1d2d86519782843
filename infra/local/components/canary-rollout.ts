import * as pulumi from "@pulumi/pulumi";
import { OutpostDeploymentState } from "../../contract";
import { CanaryStepConfig } from "../../config";
import { canaryPosition, CanaryPosition, canaryWeightSchedule } from "../canary";

export interface CanaryRolloutArgs {
  readonly appName: string;
  readonly outpost: string;
  readonly state: OutpostDeploymentState;
  /** The EKS Rollout's steps (config eks.canarySteps). */
  readonly canarySteps: readonly CanaryStepConfig[];
}

/** Namespace reported for local rollouts, so nothing mistakes them for a cluster's. */
export const LOCAL_ROLLOUT_NAMESPACE = "local";

/**
 * The EKS Rollout of an Outpost, carried out on the same pools and HAProxy weights as the
 * blue/green flip: stable = active color, canary = candidate color, step weight =
 * candidateWeight. It owns no processes; it names the rollout and tells where it stands.
 */
export class CanaryRollout extends pulumi.ComponentResource {
  readonly rolloutName: string;
  readonly namespace = LOCAL_ROLLOUT_NAMESPACE;
  readonly position: CanaryPosition;

  constructor(name: string, args: CanaryRolloutArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:local:CanaryRollout", name, {}, opts);
    const schedule = canaryWeightSchedule(args.canarySteps);
    this.rolloutName = args.appName;
    this.position = canaryPosition(args.state, schedule);
    if (this.position.step === null) {
      // Not an error: the driver's traffic steps may differ from the Rollout's.
      void pulumi.log.info(
        `${args.outpost}: candidate weight ${args.state.candidateWeight}% is not a step of the canary ` +
          `schedule [${schedule.join(", ")}]`,
        this,
      );
    }
    this.registerOutputs({
      rolloutName: this.rolloutName,
      namespace: this.namespace,
      ...this.position,
    });
  }
}
