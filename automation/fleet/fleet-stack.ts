import type { DeploymentState, Target } from "../../infra/contract";

export type { Target };

/** What the driver knows about one stack without asking the engine: its Pulumi.<stack>.yaml. */
export interface FleetStack {
  /** Stack name, the `<stack>` in Pulumi.<stack>.yaml. */
  readonly name: string;
  readonly file: string;
  /** Region group: the stack's wave. Defaults to the stack name. */
  readonly regionGroup: string;
  readonly target: Target;
  readonly environment: string | undefined;
  readonly awsRegion: string | undefined;
  /** Release version in the stack config, if any. */
  readonly release: string | undefined;
  /** Outpost names in file order; the first one of a wave becomes its canary. */
  readonly outposts: readonly string[];
  readonly deployment: DeploymentState;
}
