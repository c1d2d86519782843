import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { eksNodeCapacity } from "../peak-capacity";
import { ControllerRoleArns, ControllerRoles } from "./controller-roles";
import { awsAuthRoleArn } from "./fleet-iam";
import { renderKubeconfig } from "./kubeconfig";
import { renderNodeUserData } from "./node-bootstrap";
import { asgTags, Tags } from "./tags";
import { toBase64 } from "./user-data";

export interface OutpostClusterArgs {
  /** Outpost name; prefixes every logical name and labels the nodes. */
  readonly outpost: string;
  readonly outpostArn: string;
  /** The Outpost subnet: nodes, and a local cluster's control plane, run in it. */
  readonly subnetId: string;
  /** The Outpost's VPC: an extended cluster's load balancer controller works in it only. */
  readonly vpcId: string;
  /** local: control plane on the Outpost; extended: control plane in the Region. */
  readonly clusterKind: "local" | "extended";
  /** In-region subnets (two AZs) of an extended cluster's control plane. Default: none. */
  readonly regionSubnetIds?: readonly string[];
  /** The cluster's fixed name: nodes carry kubernetes.io/cluster/<name> before it exists. */
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  /** Instance type of a local cluster's three control-plane instances. */
  readonly controlPlaneInstanceType: string;
  /** Instance type of the nodes (one of the Outpost's). */
  readonly nodeInstanceType: string;
  /** SSM parameter holding the node AMI id (EKS-optimized Amazon Linux 2). */
  readonly nodeAmiSsmParameter: string;
  /** App replicas the nodes must hold; sizes the node group (eksNodeCapacity). */
  readonly replicas: number;
  readonly region: string;
  readonly clusterRoleArn: pulumi.Input<string>;
  readonly nodeRoleArn: pulumi.Input<string>;
  readonly nodeInstanceProfileArn: pulumi.Input<string>;
  readonly nodeSecurityGroupId: pulumi.Input<string>;
  /**
   * The role the stack's provider assumes, which creates the cluster: the kubeconfig signs in
   * as it (kubeconfig.ts). Default: the caller's own credentials.
   */
  readonly creatorRoleArn?: string;
  /** The site's tags. */
  readonly tags: Tags;
}

/**
 * EKS for one Outpost, without @pulumi/eks (it has no Outposts support): a local cluster
 * (control plane on the Outpost, private endpoint only) or an extended one (control plane in
 * the region), plus self-managed nodes — the only kind Outposts support.
 */
export class OutpostCluster extends pulumi.ComponentResource {
  readonly cluster: aws.eks.Cluster;
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  /**
   * An extended cluster's controllers' own roles (IRSA); undefined on a local cluster, whose
   * controllers run on the node role.
   */
  readonly controllerRoleArns?: ControllerRoleArns;

  constructor(name: string, args: OutpostClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:eks:OutpostCluster", name, {}, opts);
    const parent = { parent: this };
    const o = args.outpost;
    const kind = args.clusterKind;
    const tags = args.tags;
    // Named, not auto-named: nodes must carry kubernetes.io/cluster/<name> before the cluster exists.
    const clusterName = args.clusterName;

    this.cluster = new aws.eks.Cluster(
      `${o}-eks`,
      {
        name: clusterName,
        version: args.kubernetesVersion,
        roleArn: args.clusterRoleArn,
        vpcConfig: {
          subnetIds: kind === "local" ? [args.subnetId] : [...(args.regionSubnetIds ?? [])],
          endpointPrivateAccess: true,
          endpointPublicAccess: false,
        },
        outpostConfig:
          kind === "local"
            ? {
                controlPlaneInstanceType: args.controlPlaneInstanceType,
                outpostArns: [args.outpostArn],
              }
            : undefined,
        // Local clusters only support aws-auth ConfigMap authentication.
        accessConfig: {
          authenticationMode: kind === "local" ? "CONFIG_MAP" : "API_AND_CONFIG_MAP",
          bootstrapClusterCreatorAdminPermissions: true,
        },
        enabledClusterLogTypes: ["api", "audit", "authenticator"],
        tags,
      },
      parent,
    );
    const cluster = this.cluster;
    const certificateAuthority = cluster.certificateAuthority.apply((ca) => ca.data ?? "");
    const nodeImage = aws.ssm.getParameterOutput({ name: args.nodeAmiSsmParameter }, parent);
    const userData = pulumi
      .all([cluster.name, cluster.clusterId, cluster.endpoint, certificateAuthority])
      .apply(([clusterName, clusterId, endpoint, ca]) =>
        toBase64(
          renderNodeUserData({
            clusterName,
            clusterKind: kind,
            clusterId,
            endpoint,
            certificateAuthority: ca,
            outpost: o,
          }),
        ),
      );
    const nodeTemplate = new aws.ec2.LaunchTemplate(
      `${o}-nodes-lt`,
      {
        description: `EKS nodes on ${o}`,
        imageId: nodeImage.value,
        instanceType: args.nodeInstanceType,
        updateDefaultVersion: true,
        iamInstanceProfile: { arn: args.nodeInstanceProfileArn },
        vpcSecurityGroupIds: [args.nodeSecurityGroupId, cluster.vpcConfig.clusterSecurityGroupId],
        userData,
        // On a local cluster the controllers' pods reach the node role through IMDS, one hop
        // further (no IRSA there); an extended cluster's have IRSA, and a hop limit of 1 keeps
        // every pod from the node role. Tokens are required either way.
        metadataOptions: {
          httpTokens: "required",
          httpEndpoint: "enabled",
          httpPutResponseHopLimit: kind === "local" ? 2 : 1,
        },
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: {
              encrypted: "true",
              volumeSize: 50,
              volumeType: "gp2",
              deleteOnTermination: "true",
            },
          },
        ],
        tagSpecifications: [
          { resourceType: "instance", tags },
          { resourceType: "volume", tags },
        ],
        tags,
      },
      parent,
    );
    const nodes = eksNodeCapacity(args.replicas);
    new aws.autoscaling.Group(
      `${o}-nodes-asg`,
      {
        vpcZoneIdentifiers: [args.subnetId],
        minSize: nodes.min,
        maxSize: nodes.max,
        desiredCapacity: nodes.desired,
        launchTemplate: { id: nodeTemplate.id, version: nodeTemplate.latestVersion.apply(String) },
        tags: [
          ...asgTags(tags),
          { key: `kubernetes.io/cluster/${clusterName}`, value: "owned", propagateAtLaunch: true },
        ],
      },
      parent,
    );
    this.kubeconfig = pulumi.secret(
      pulumi
        .all([cluster.name, cluster.clusterId, cluster.endpoint, certificateAuthority])
        .apply(([clusterName, clusterId, endpoint, ca]) =>
          renderKubeconfig({
            clusterName,
            clusterKind: kind,
            clusterId,
            endpoint,
            certificateAuthority: ca,
            region: args.region,
            roleArn: args.creatorRoleArn,
          }),
        ),
    );
    this.provider = new k8s.Provider(
      `${o}-k8s`,
      { kubeconfig: this.kubeconfig, enableServerSideApply: true },
      parent,
    );
    // Self-managed nodes join only once their role is mapped in aws-auth.
    new k8s.core.v1.ConfigMap(
      `${o}-aws-auth`,
      {
        metadata: { name: "aws-auth", namespace: "kube-system" },
        data: {
          mapRoles: pulumi.output(args.nodeRoleArn).apply((roleArn) =>
            JSON.stringify([
              {
                // The node role lives under a path; aws-auth matches the ARN without it.
                rolearn: awsAuthRoleArn(roleArn),
                username: "system:node:{{EC2PrivateDNSName}}",
                groups: ["system:bootstrappers", "system:nodes"],
              },
            ]),
          ),
        },
      },
      { parent: this, provider: this.provider },
    );
    if (kind === "extended") {
      this.controllerRoleArns = new ControllerRoles(
        `${o}-controller-roles`,
        {
          outpost: o,
          issuerUrl: cluster.identities.apply((ids) => ids[0]?.oidcs?.[0]?.issuer ?? ""),
          scope: { region: args.region, clusterNames: [clusterName], vpcIds: [args.vpcId] },
          tags,
        },
        parent,
      ).roleArns;
    }
    this.registerOutputs({ clusterName: cluster.name, kubeconfig: this.kubeconfig });
  }
}
