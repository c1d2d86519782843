import { expect } from "chai";
import { REQUIRED_TAGS } from "../../infra/contract";
import { recordStack, RecordedResource } from "../support/record-stack";

function tagsOf(resource: RecordedResource): Record<string, string> | undefined {
  const tags = resource.inputs.tags;
  if (Array.isArray(tags)) {
    return Object.fromEntries(
      (tags as { key: string; value: string }[]).map((t) => [t.key, t.value]),
    );
  }
  return tags as Record<string, string> | undefined;
}

const COLORED_AND_VERSIONED = [
  "aws:ec2/launchTemplate:LaunchTemplate",
  "aws:autoscaling/group:Group",
];
const SITE_TYPES = [
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:lb/listener:Listener",
  "aws:lb/targetGroup:TargetGroup",
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:cloudwatch/metricAlarm:MetricAlarm",
  "aws:eks/cluster:Cluster",
];

describe("tags", () => {
  let resources: RecordedResource[];
  before(async () => {
    resources = (await recordStack("apac")).resources;
  });

  it("every taggable AWS resource carries Environment, Region and DeploymentId", () => {
    const taggable = resources.filter((r) => r.type.startsWith("aws:") && "tags" in r.inputs);
    expect(taggable.length).to.be.greaterThan(100);
    for (const resource of taggable) {
      expect(tagsOf(resource), resource.urn).to.include.keys(
        "Environment",
        "Region",
        "DeploymentId",
      );
      expect(tagsOf(resource)?.Environment).to.equal("production");
      expect(tagsOf(resource)?.Region).to.equal("ap-southeast-1");
    }
  });

  it("per-Outpost resources also carry Outpost", () => {
    for (const resource of resources.filter((r) => SITE_TYPES.includes(r.type))) {
      expect(tagsOf(resource), resource.urn)
        .to.have.property("Outpost")
        .that.matches(/^[a-z]{3}-dc1$/);
    }
  });

  it("app launch templates and ASGs carry all required tags, instances and volumes too", () => {
    const colored = resources.filter(
      (r) => COLORED_AND_VERSIONED.includes(r.type) && !r.name.includes("-nodes-"),
    );
    expect(colored).to.have.length(16);
    for (const resource of colored) {
      expect(tagsOf(resource), resource.urn).to.include.keys(...REQUIRED_TAGS);
      expect(tagsOf(resource)?.Color).to.equal(resource.name.includes("-blue-") ? "blue" : "green");
      expect(tagsOf(resource)?.AppVersion).to.equal("2.0.0");
    }
    for (const template of colored.filter(
      (r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate",
    )) {
      const specs = template.inputs.tagSpecifications as {
        resourceType: string;
        tags: Record<string, string>;
      }[];
      expect(specs.map((s) => s.resourceType)).to.deep.equal(["instance", "volume"]);
      for (const spec of specs) expect(spec.tags).to.include.keys(...REQUIRED_TAGS);
    }
  });

  it("ASG tags propagate to the instances they launch", () => {
    for (const group of resources.filter((r) => r.type === "aws:autoscaling/group:Group")) {
      for (const tag of group.inputs.tags as { propagateAtLaunch: boolean }[])
        expect(tag.propagateAtLaunch).to.equal(true);
    }
  });
});
