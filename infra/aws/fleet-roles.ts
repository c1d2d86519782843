import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  appMetricsPublishPolicy,
  assumeRolePolicy,
  EKS_NODE_ROLE_PATH,
  MANAGED_POLICIES,
  nodeControllersPolicy,
} from "./fleet-iam";
import type { NodeControllersScope } from "./iam-types";
import { Tags } from "./tags";

export interface FleetRolesArgs {
  readonly configReadPolicyArn: pulumi.Input<string>;
  /** The app's metrics namespace: its instances and pods publish there (app-metrics.ts). */
  readonly metricsNamespace: string;
  /** Which cluster roles to create; local and extended clusters trust different services. */
  readonly clusterKinds: ReadonlySet<"local" | "extended">;
  readonly eksEnabled: boolean;
  /**
   * What the in-cluster controllers of the stack's local clusters may touch, on the node role
   * (local clusters have no IRSA): the stack's Region, those clusters and their VPCs.
   */
  readonly controllers: NodeControllersScope;
  readonly tags: Tags;
}

/** IAM roles shared by every Outpost of a stack: app instances, EKS nodes and clusters. */
export class FleetRoles extends pulumi.ComponentResource {
  readonly appInstanceProfileArn: pulumi.Output<string>;
  readonly nodeRoleArn?: pulumi.Output<string>;
  readonly nodeInstanceProfileArn?: pulumi.Output<string>;
  readonly clusterRoleArns: Partial<Record<"local" | "extended", pulumi.Output<string>>> = {};

  constructor(name: string, args: FleetRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:iam:FleetRoles", name, {}, opts);
    const app = this.role(
      `${name}-app`,
      "ec2.amazonaws.com",
      [...MANAGED_POLICIES.appInstance, args.configReadPolicyArn],
      args.tags,
    );
    this.publishMetrics(`${name}-app`, app, args.metricsNamespace);
    this.appInstanceProfileArn = this.profile(`${name}-app`, app, args.tags).arn;
    if (args.eksEnabled) {
      // Under the path the control account's image repositories let pull (cross-account).
      const node = this.role(
        `${name}-node`,
        "ec2.amazonaws.com",
        [...MANAGED_POLICIES.eksNode, args.configReadPolicyArn],
        args.tags,
        EKS_NODE_ROLE_PATH,
      );
      // The Rollout's pods publish with the node's role (no IRSA on a local cluster).
      this.publishMetrics(`${name}-node`, node, args.metricsNamespace);
      // Extended clusters' controllers have roles of their own (IRSA): the node role carries
      // the controllers' permissions only where a local cluster needs them.
      if (args.clusterKinds.has("local")) {
        new aws.iam.RolePolicy(
          `${name}-node-controllers`,
          { role: node.name, policy: JSON.stringify(nodeControllersPolicy(args.controllers)) },
          { parent: this },
        );
      }
      this.nodeRoleArn = node.arn;
      this.nodeInstanceProfileArn = this.profile(`${name}-node`, node, args.tags).arn;
      if (args.clusterKinds.has("local")) {
        // A local cluster's control plane instances are EC2 instances on the Outpost.
        this.clusterRoleArns.local = this.role(
          `${name}-local-cluster`,
          "ec2.amazonaws.com",
          [...MANAGED_POLICIES.localCluster],
          args.tags,
        ).arn;
      }
      if (args.clusterKinds.has("extended")) {
        this.clusterRoleArns.extended = this.role(
          `${name}-extended-cluster`,
          "eks.amazonaws.com",
          [...MANAGED_POLICIES.extendedCluster],
          args.tags,
        ).arn;
      }
    }
    this.registerOutputs({ appInstanceProfileArn: this.appInstanceProfileArn });
  }

  private role(
    name: string,
    service: string,
    policyArns: pulumi.Input<string>[],
    tags: Tags,
    path?: string,
  ): aws.iam.Role {
    const role = new aws.iam.Role(
      name,
      {
        assumeRolePolicy: JSON.stringify(assumeRolePolicy(service)),
        ...(path !== undefined ? { path } : {}),
        tags,
      },
      { parent: this },
    );
    policyArns.forEach((policyArn, index) => {
      new aws.iam.RolePolicyAttachment(
        `${name}-policy-${index}`,
        { role: role.name, policyArn },
        { parent: this },
      );
    });
    return role;
  }

  private publishMetrics(name: string, role: aws.iam.Role, namespace: string): void {
    new aws.iam.RolePolicy(
      `${name}-metrics`,
      { role: role.name, policy: JSON.stringify(appMetricsPublishPolicy(namespace)) },
      { parent: this },
    );
  }

  private profile(name: string, role: aws.iam.Role, tags: Tags): aws.iam.InstanceProfile {
    return new aws.iam.InstanceProfile(name, { role: role.name, tags }, { parent: this });
  }
}
