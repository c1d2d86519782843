import type { NodeControllersScope, PolicyStatement } from "./iam-types";

/**
 * The tag the AWS Load Balancer Controller puts on everything it creates; its value is the
 * cluster's name. Mutating calls are allowed only on resources that carry it (or, for
 * creation, only when the request sets it), as the controller's reference policy does.
 */
export const CONTROLLER_CLUSTER_TAG = "elbv2.k8s.aws/cluster";

/**
 * What the controller (chart 1.11.0, controller v2.11.0) calls, checked against its
 * published IAM policy (docs/install/iam_policy.json of that release). Left out on purpose:
 * WAF, WAFv2, Shield and Cognito (Outposts have no WAF or Shield, the chart turns them off,
 * and our Ingress uses no Cognito auth) and IAM server certificates (we use ACM). Compared
 * with the reference policy, every ARN is in the stack's Region, the cluster tag must name one
 * of the stack's clusters (not merely exist), and security-group rules may only be changed in
 * the stack's VPCs.
 */
export function loadBalancerControllerStatements(scope: NodeControllersScope): PolicyStatement[] {
  const { region } = scope;
  const elb = (resource: string) => `arn:aws:elasticloadbalancing:${region}:*:${resource}`;
  const loadBalancersAndGroups = [
    elb("targetgroup/*/*"),
    elb("loadbalancer/app/*/*"),
    elb("loadbalancer/net/*/*"),
  ];
  const ownCluster = (kind: "RequestTag" | "ResourceTag") => ({
    StringEquals: { [`aws:${kind}/${CONTROLLER_CLUSTER_TAG}`]: [...scope.clusterNames] },
  });
  const securityGroups = `arn:aws:ec2:${region}:*:security-group/*`;
  const inStackVpcs = {
    ArnEquals: { "ec2:Vpc": scope.vpcIds.map((vpc) => `arn:aws:ec2:${region}:*:vpc/${vpc}`) },
  };
  return [
    {
      Sid: "LbcServiceLinkedRole",
      Effect: "Allow",
      Action: ["iam:CreateServiceLinkedRole"],
      Resource: "*",
      Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
    },
    {
      Sid: "LbcDescribe",
      Effect: "Allow",
      Action: [
        "ec2:DescribeAccountAttributes",
        "ec2:DescribeAddresses",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeInternetGateways",
        "ec2:DescribeVpcs",
        "ec2:DescribeVpcPeeringConnections",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeInstances",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeTags",
        "ec2:GetCoipPoolUsage",
        "ec2:DescribeCoipPools",
        "ec2:GetSecurityGroupsForVpc",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeListenerCertificates",
        "elasticloadbalancing:DescribeSSLPolicies",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeTrustStores",
        "elasticloadbalancing:DescribeListenerAttributes",
        "elasticloadbalancing:DescribeCapacityReservation",
        "acm:ListCertificates",
        "acm:DescribeCertificate",
      ],
      Resource: "*",
    },
    {
      Sid: "LbcSecurityGroupRulesInStackVpcs",
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
      Resource: securityGroups,
      Condition: inStackVpcs,
    },
    {
      Sid: "LbcCreateSecurityGroup",
      Effect: "Allow",
      Action: ["ec2:CreateSecurityGroup"],
      Resource: [
        securityGroups,
        ...scope.vpcIds.map((vpc) => `arn:aws:ec2:${region}:*:vpc/${vpc}`),
      ],
    },
    {
      Sid: "LbcTagNewSecurityGroup",
      Effect: "Allow",
      Action: ["ec2:CreateTags"],
      Resource: securityGroups,
      Condition: {
        StringEquals: {
          "ec2:CreateAction": "CreateSecurityGroup",
          ...ownCluster("RequestTag").StringEquals,
        },
      },
    },
    {
      Sid: "LbcRetagOwnSecurityGroups",
      Effect: "Allow",
      Action: ["ec2:CreateTags", "ec2:DeleteTags"],
      Resource: securityGroups,
      Condition: {
        Null: { [`aws:RequestTag/${CONTROLLER_CLUSTER_TAG}`]: "true" },
        ...ownCluster("ResourceTag"),
      },
    },
    {
      Sid: "LbcOwnSecurityGroups",
      Effect: "Allow",
      Action: [
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupIngress",
        "ec2:DeleteSecurityGroup",
      ],
      Resource: securityGroups,
      Condition: ownCluster("ResourceTag"),
    },
    {
      Sid: "LbcCreateTagged",
      Effect: "Allow",
      Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
      Resource: "*",
      Condition: ownCluster("RequestTag"),
    },
    {
      Sid: "LbcListenersAndRules",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:DeleteRule",
      ],
      Resource: [
        elb("loadbalancer/app/*/*"),
        elb("listener/app/*/*/*"),
        elb("listener-rule/app/*/*/*"),
      ],
    },
    {
      Sid: "LbcRetagOwn",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: loadBalancersAndGroups,
      Condition: {
        Null: { [`aws:RequestTag/${CONTROLLER_CLUSTER_TAG}`]: "true" },
        ...ownCluster("ResourceTag"),
      },
    },
    {
      Sid: "LbcTagListenersAndRules",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: [
        elb("listener/app/*/*/*"),
        elb("listener/net/*/*/*"),
        elb("listener-rule/app/*/*/*"),
        elb("listener-rule/net/*/*/*"),
      ],
    },
    {
      Sid: "LbcModifyOwn",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:ModifyCapacityReservation",
      ],
      Resource: loadBalancersAndGroups,
      Condition: ownCluster("ResourceTag"),
    },
    {
      // ModifyListenerAttributes acts on a listener, whose ARN is listener/app/<lb>/<id>/<id>
      // (Service Authorization Reference, Elastic Load Balancing V2, actions and resource types:
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html);
      // on load balancer and target group ARNs it never matched. Like the controller's other
      // listener changes, it is scoped to the Region's ALB listeners.
      Sid: "LbcListenerAttributes",
      Effect: "Allow",
      Action: ["elasticloadbalancing:ModifyListenerAttributes"],
      Resource: [elb("listener/app/*/*/*")],
    },
    {
      Sid: "LbcTagOnCreate",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags"],
      Resource: loadBalancersAndGroups,
      Condition: {
        StringEquals: {
          "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"],
          ...ownCluster("RequestTag").StringEquals,
        },
      },
    },
    {
      Sid: "LbcTargets",
      Effect: "Allow",
      Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
      Resource: elb("targetgroup/*/*"),
      Condition: ownCluster("ResourceTag"),
    },
    {
      Sid: "LbcListenerChanges",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:ModifyRule",
      ],
      Resource: [elb("listener/app/*/*/*"), elb("listener-rule/app/*/*/*")],
    },
  ];
}
