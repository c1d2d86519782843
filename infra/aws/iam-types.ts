/** IAM policy document shapes: a leaf module, shared by every file that writes policies. */

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | string[];
  readonly Resource?: string | string[];
  readonly Principal?: Record<string, string | string[]> | "*";
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: PolicyStatement[];
}

/** What the in-cluster controllers' policy is scoped to. */
export interface NodeControllersScope {
  /** The stack's Region: every ARN the controllers may touch is in it. */
  readonly region: string;
  /** Names of the stack's EKS clusters: the value of the controller's cluster tag. */
  readonly clusterNames: readonly string[];
  /** The stack's VPCs: the only ones whose security groups the controller may open. */
  readonly vpcIds: readonly string[];
}
