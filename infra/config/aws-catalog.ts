/**
 * What AWS offers, as closed lists the config is checked against. Each list cites the page it
 * comes from; when AWS adds a value, add it here (one place) and the config accepts it.
 */

/**
 * ELB security policies an HTTPS listener of an Application Load Balancer may name
 * (Elastic Load Balancing, "Security policies for your Application Load Balancer").
 */
export const ALB_TLS_POLICIES: readonly string[] = [
  "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
  "ELBSecurityPolicy-TLS13-1-1-2021-06",
  "ELBSecurityPolicy-TLS13-1-0-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04",
  "ELBSecurityPolicy-FS-1-2-Res-2020-10",
  "ELBSecurityPolicy-FS-1-2-Res-2019-08",
  "ELBSecurityPolicy-FS-1-2-2019-08",
  "ELBSecurityPolicy-FS-1-1-2019-08",
  "ELBSecurityPolicy-FS-2018-06",
  "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
  "ELBSecurityPolicy-TLS-1-2-2017-01",
  "ELBSecurityPolicy-TLS-1-1-2017-01",
  "ELBSecurityPolicy-2016-08",
  "ELBSecurityPolicy-TLS-1-0-2015-04",
  "ELBSecurityPolicy-2015-05",
];

/**
 * Kubernetes versions Amazon EKS offers for local clusters on Outposts (EKS User Guide,
 * "Amazon EKS local cluster platform versions"). Extended clusters follow the cloud's list.
 */
export const LOCAL_CLUSTER_KUBERNETES_VERSIONS: readonly string[] = [
  "1.26",
  "1.27",
  "1.28",
  "1.29",
  "1.30",
  "1.31",
  "1.32",
];

/**
 * Sizes of a local cluster's control-plane instances, by the nodes the cluster holds: large for
 * 1-20, xlarge for 21-100, 2xlarge for 101-250, 4xlarge for 251-500 (EKS User Guide, "Capacity
 * considerations" for local clusters on EBS-backed Outposts:
 * https://docs.aws.amazon.com/eks/latest/userguide/eks-outposts-capacity-considerations.html).
 */
export const LOCAL_CLUSTER_CONTROL_PLANE_SIZES: readonly string[] = [
  "large",
  "xlarge",
  "2xlarge",
  "4xlarge",
];

/**
 * Families a local cluster's control plane may run on: the same page asks for an instance type
 * "such as m5, c5, or r5" that the Outpost has, from the Outposts rack's EC2 families (AWS
 * Outposts rack features, Compute and storage). These are the rack's general-purpose, compute
 * and memory families; the GPU (g4dn) and storage-dense (i3en) ones are left out, and i3en has
 * no 4xlarge.
 */
export const LOCAL_CLUSTER_CONTROL_PLANE_FAMILIES: readonly string[] = [
  "m5",
  "m5d",
  "c5",
  "c5d",
  "r5",
  "r5d",
  "m6i",
  "m6id",
  "c6i",
  "c6id",
  "r6i",
  "r6id",
  "m7i",
  "c7i",
  "r7i",
];

/** Control-plane instance types of a local cluster: every documented size of every family. */
export const LOCAL_CLUSTER_CONTROL_PLANE_TYPES: readonly string[] =
  LOCAL_CLUSTER_CONTROL_PLANE_FAMILIES.flatMap((family) =>
    LOCAL_CLUSTER_CONTROL_PLANE_SIZES.map((size) => `${family}.${size}`),
  );

/**
 * A local cluster runs three control-plane instances on its Outpost; AWS fixes the number
 * (EKS User Guide, "Local clusters for Amazon EKS on AWS Outposts"). They count against the
 * Outpost's instance budget like any other instance.
 */
export const LOCAL_CLUSTER_CONTROL_PLANE_INSTANCES = 3;

/**
 * Instance types an Application Load Balancer on an Outpost runs on. AWS launches the ALB's
 * nodes as instances of these types in the Outpost's own capacity, so an Outpost must have at
 * least one of them slotted (ELB User Guide, "Application Load Balancers", subnets on Outposts:
 * the instance types and sizes, with their EBS volume, that the load balancer can use).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer
 */
export const OUTPOST_ALB_INSTANCE_TYPES: readonly string[] = [
  "c5.xlarge",
  "c5d.xlarge",
  "m5.large",
  "m5d.large",
  "r5.large",
  "r5d.large",
];

/**
 * Instances an ALB on an Outpost holds at least; it adds more of them in the Outpost's capacity
 * as it scales, and fails to scale when the Outpost has no room (the ELB page above). Each of
 * the site's ALBs (the EC2 one and the Ingress one) counts against the instance budget.
 */
export const OUTPOST_ALB_MIN_INSTANCES = 2;

/** Instance families an Outposts rack offers (AWS Outposts rack features, "Instance types"). */
export const OUTPOST_INSTANCE_FAMILIES: readonly string[] = [
  "c5",
  "c5d",
  "m5",
  "m5d",
  "r5",
  "r5d",
  "g4dn",
  "i3en",
  "c6i",
  "c6id",
  "m6i",
  "m6id",
  "r6i",
  "r6id",
  "c7i",
  "m7i",
  "r7i",
];

/** ELB names (load balancers, target groups): at most 32 characters (CreateLoadBalancer). */
export const ELB_NAME_MAX_LENGTH = 32;

/**
 * Pulumi auto-names a resource `<logical name>-<7 random characters>`; an ELB resource named
 * that way needs room for the dash and the suffix.
 */
export const AUTONAME_SUFFIX_LENGTH = 8;
