import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  argoAnalysisPolicy,
  loadBalancerControllerPolicy,
  serviceAccountTrustPolicy,
} from "./fleet-iam";
import type { NodeControllersScope, PolicyDocument } from "./iam-types";
import { Tags } from "./tags";

/** The controllers' service accounts, named in their charts' values (canary-rollout.ts). */
export const CONTROLLER_SERVICE_ACCOUNTS = {
  albController: { namespace: "kube-system", name: "aws-load-balancer-controller" },
  argoRollouts: { namespace: "argo-rollouts", name: "argo-rollouts" },
} as const;

export type ControllerRoleArns = Readonly<
  Record<keyof typeof CONTROLLER_SERVICE_ACCOUNTS, pulumi.Output<string>>
>;

export interface ControllerRolesArgs {
  /** Outpost name; prefixes every logical name. */
  readonly outpost: string;
  /** The cluster's OIDC issuer URL (`identities[0].oidcs[0].issuer`). */
  readonly issuerUrl: pulumi.Input<string>;
  /** What the load balancer controller may touch: this cluster, its VPC and Region. */
  readonly scope: NodeControllersScope;
  readonly tags: Tags;
}

/**
 * IAM roles for service accounts on an extended cluster (its control plane runs in the Region,
 * which has IRSA; a local cluster has none: fleet-iam.ts): the cluster's OIDC issuer registered
 * with IAM, and one role per controller that only its service account may assume (EKS User
 * Guide, "Create an IAM OIDC provider for your cluster":
 * https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html).
 */
export class ControllerRoles extends pulumi.ComponentResource {
  readonly roleArns: ControllerRoleArns;

  constructor(name: string, args: ControllerRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:iam:ControllerRoles", name, {}, opts);
    const parent = { parent: this };
    const o = args.outpost;
    const provider = new aws.iam.OpenIdConnectProvider(
      `${o}-oidc`,
      { url: args.issuerUrl, clientIdLists: ["sts.amazonaws.com"], tags: args.tags },
      parent,
    );
    const role = (
      roleName: string,
      account: { readonly namespace: string; readonly name: string },
      policy: PolicyDocument,
    ) => {
      const trust = pulumi
        .all([provider.arn, args.issuerUrl])
        .apply(([providerArn, issuer]) =>
          JSON.stringify(
            serviceAccountTrustPolicy(providerArn, issuer, account.namespace, account.name),
          ),
        );
      const created = new aws.iam.Role(
        `${o}-${roleName}-role`,
        { assumeRolePolicy: trust, tags: args.tags },
        parent,
      );
      new aws.iam.RolePolicy(
        `${o}-${roleName}-policy`,
        { role: created.name, policy: JSON.stringify(policy) },
        parent,
      );
      return created.arn;
    };
    this.roleArns = {
      albController: role(
        "lb-controller",
        CONTROLLER_SERVICE_ACCOUNTS.albController,
        loadBalancerControllerPolicy(args.scope),
      ),
      argoRollouts: role(
        "argo-rollouts",
        CONTROLLER_SERVICE_ACCOUNTS.argoRollouts,
        argoAnalysisPolicy(),
      ),
    };
    this.registerOutputs({ roleArns: this.roleArns });
  }
}
