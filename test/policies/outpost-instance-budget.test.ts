import { expect } from "chai";
import { outpostInstanceBudget } from "../../policies/outpost-instance-budget";
import { failures, violations } from "./support/check";
import {
  autoScalingGroup,
  eksCluster,
  loadBalancer,
  OUTPOST,
  res,
  siteTags,
  stackOutputs,
} from "./support/policy-fixtures";

/** The Outpost's Ingress ALB, tagged for its Outpost through the controller's annotation. */
function albIngress(outpost = OUTPOST) {
  const tags = Object.entries(siteTags(outpost))
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
  return res("kubernetes:networking.k8s.io/v1:Ingress", `${outpost}-ingress`, {
    metadata: { name: "storefront", annotations: { "alb.ingress.kubernetes.io/tags": tags } },
    spec: { ingressClassName: "alb" },
  });
}

describe("policies: outpost-instance-budget", () => {
  const config = (maxInstances: number) => ({
    "outpost-instance-budget": {
      outposts: [{ name: OUTPOST, capacity: { min: 2, desired: 3, max: 6, maxInstances } }],
    },
  });
  // Both colors at 6 and a local cluster: 12 + 3 control-plane instances.
  const site = [
    stackOutputs(),
    autoScalingGroup("blue"),
    autoScalingGroup("green", "2.0.0", { min: 0, desired: 0, max: 6 }),
    eksCluster(),
  ];

  it("passes an Outpost whose groups at their maximum and control plane fit", async () => {
    expect(await failures([outpostInstanceBudget], site, config(15))).to.deep.equal([]);
  });

  it("counts the local cluster's three control-plane instances", async () => {
    const [v] = await failures([outpostInstanceBudget], site, config(14));
    expect(v.message).to.equal(
      `Outpost ${OUTPOST} may run 15 instances at once (${OUTPOST}-blue-asg 6 + ${OUTPOST}-green-asg 6 + 3 control-plane instances); its capacity.maxInstances is 14.`,
    );
  });

  it("counts the instances of each ALB on the Outpost: the EC2 one and the Ingress one", async () => {
    const withAlbs = [...site, loadBalancer(), albIngress(), albIngress("iad-dc2")];
    expect(await failures([outpostInstanceBudget], withAlbs, config(19))).to.deep.equal([]);
    const [v, ...rest] = await failures([outpostInstanceBudget], withAlbs, config(18));
    expect(rest).to.deep.equal([]);
    expect(v.message).to.equal(
      `Outpost ${OUTPOST} may run 19 instances at once (${OUTPOST}-blue-asg 6 + ${OUTPOST}-green-asg 6 + 3 control-plane instances + 2 ALBs x 2 instances); its capacity.maxInstances is 18.`,
    );
  });

  it("does not count a Network Load Balancer or an Ingress of another class", async () => {
    const nlb = res("aws:lb/loadBalancer:LoadBalancer", `${OUTPOST}-nlb`, {
      loadBalancerType: "network",
      tags: siteTags(),
    });
    const nginx = albIngress();
    (nginx.props.spec as Record<string, unknown>).ingressClassName = "nginx";
    expect(
      await failures([outpostInstanceBudget], [...site, nlb, nginx], config(15)),
    ).to.deep.equal([]);
  });

  it("without policy config, notes the skip once", async () => {
    const found = await violations([outpostInstanceBudget], site);
    expect(found.map((v) => v.level)).to.deep.equal(["advisory"]);
  });
});
