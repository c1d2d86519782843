import * as pulumi from "@pulumi/pulumi";
import { Color, otherColor, OutpostDeploymentState, RolloutOutputs } from "../../contract";
import { CanaryStepConfig } from "../../config";
import { canaryPosition, CanaryPosition, canaryWeightSchedule } from "../canary-weights";

export interface CanaryRolloutArgs {
  readonly appName: string;
  readonly outpost: string;
  readonly state: OutpostDeploymentState;
  /** The EKS Rollout's steps (config eks.canarySteps). */
  readonly canarySteps: readonly CanaryStepConfig[];
  /** The balancer's `backend/server` names by color: what the stable and canary "Services" select. */
  readonly servers: pulumi.Input<Readonly<Record<Color, readonly string[]>>>;
  /** The balancer's production endpoint: the local Ingress, where the canary weights apply. */
  readonly endpoint: pulumi.Input<string>;
}

/** Namespace reported for local rollouts, so nothing mistakes them for a cluster's. */
export const LOCAL_ROLLOUT_NAMESPACE = "local";

/**
 * The EKS Rollout of an Outpost, carried out on the same pools and HAProxy weights as the
 * blue/green flip: stable = active color, canary = candidate color, step weight =
 * candidateWeight, Ingress = the production frontend. It owns no processes; it names the
 * rollout, tells where it stands, and reports the version its image would run (the deployment
 * state's rolloutVersion, which the driver moves only at the canary step).
 */
export class CanaryRollout extends pulumi.ComponentResource {
  readonly rolloutName: string;
  readonly namespace = LOCAL_ROLLOUT_NAMESPACE;
  readonly position: CanaryPosition;
  readonly outputs: pulumi.Output<RolloutOutputs>;

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
    const stable = args.state.activeColor;
    const canary = otherColor(stable);
    this.outputs = pulumi
      .all([pulumi.output(args.servers), pulumi.output(args.endpoint)])
      .apply(([servers, endpoint]) => ({
        name: this.rolloutName,
        namespace: this.namespace,
        version: args.state.rolloutVersion,
        stableService: servers[stable].join(","),
        canaryService: servers[canary].join(","),
        ingressEndpoint: endpoint,
      }));
    this.registerOutputs({ ...this.position, rollout: this.outputs });
  }
}
