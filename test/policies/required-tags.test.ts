import { expect } from "chai";
import { requiredTags } from "../../policies/required-tags";
import { failures, violations } from "./support/check";
import {
  autoScalingGroup,
  launchTemplate,
  loadBalancer,
  parameter,
  res,
  targetGroup,
  withProp,
} from "./support/policy-fixtures";

describe("policies: required-tags", () => {
  const config = {
    "required-tags": {
      expectedValues: { Environment: "production", Outpost: ["nyc-dc1", "iad-dc2"] },
    },
  };

  it("passes the tags each kind of resource carries", async () => {
    const resources = [
      launchTemplate(),
      autoScalingGroup(),
      targetGroup(),
      loadBalancer(),
      parameter("/outpost-fleet/production/us/app", "{}"),
    ];
    expect(await violations([requiredTags], resources, config)).to.deep.equal([]);
  });

  it("fails a missing base tag", async () => {
    const alb = loadBalancer();
    const [v, ...rest] = await failures(
      [requiredTags],
      [withProp(alb, "tags.DeploymentId", undefined)],
    );
    expect(rest).to.deep.equal([]);
    expect(v.message).to.equal(
      "is missing tag DeploymentId (required here: Environment, Region, DeploymentId, Outpost).",
    );
    expect(v.urn).to.equal(alb.urn);
  });

  it("fails a per-Outpost resource without Outpost", async () => {
    const [v] = await failures(
      [requiredTags],
      [withProp(targetGroup(), "tags.Outpost", undefined)],
    );
    expect(v.message).to.equal(
      "is missing tag Outpost (required here: Environment, Region, DeploymentId, Outpost, Color).",
    );
  });

  it("fails an app ASG without AppVersion, from its tag list", async () => {
    const asg = autoScalingGroup();
    const tags = (asg.props.tags as { key: string }[]).filter((t) => t.key !== "AppVersion");
    const [v] = await failures([requiredTags], [withProp(asg, "tags", tags)]);
    expect(v.message).to.equal(
      "is missing tag AppVersion (required here: Environment, Region, DeploymentId, Outpost, Color, AppVersion).",
    );
    expect(v.urn).to.equal(asg.urn);
  });

  it("fails an app launch template without Color", async () => {
    const [v] = await failures(
      [requiredTags],
      [withProp(launchTemplate(), "tags.Color", undefined)],
    );
    expect(v.message).to.contain("is missing tag Color");
  });

  it("fails a color that is neither blue nor green", async () => {
    const [v] = await failures([requiredTags], [withProp(targetGroup(), "tags.Color", "red")]);
    expect(v.message).to.equal('tag Color is "red"; it must be one of blue, green.');
  });

  it("fails a value other than the expected one", async () => {
    const [v] = await failures(
      [requiredTags],
      [withProp(loadBalancer(), "tags.Environment", "staging")],
      config,
    );
    expect(v.message).to.equal('tag Environment is "staging"; expected "production".');
    const [w] = await failures(
      [requiredTags],
      [withProp(loadBalancer(), "tags.Outpost", "lax-dc9")],
      config,
    );
    expect(w.message).to.equal('tag Outpost is "lax-dc9"; expected one of nyc-dc1, iad-dc2.');
  });

  it("fails a taggable resource with no tags at all", async () => {
    const profile = res("aws:iam/instanceProfile:InstanceProfile", "us-roles-app", {
      role: "us-roles-app",
    });
    const [v] = await failures([requiredTags], [profile]);
    expect(v.message).to.equal(
      "is missing tags Environment, Region, DeploymentId (required here: Environment, Region, DeploymentId).",
    );
    expect(v.urn).to.equal(profile.urn);
  });

  it("skips exempt types and types without tags", async () => {
    const profile = res("aws:iam/instanceProfile:InstanceProfile", "p", {});
    const attachment = res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a", {});
    const exempt = {
      "required-tags": { exemptTypes: ["aws:iam/instanceProfile:InstanceProfile"] },
    };
    expect(await failures([requiredTags], [profile, attachment], exempt)).to.deep.equal([]);
  });

  it("checks a local-target resource's tags against its own inputs", async () => {
    const pool = res("pulumi-nodejs:dynamic:Resource", "nyc-dc1-blue-pool", {
      outpost: "nyc-dc1",
      color: "blue",
      version: "2.0.0",
      tags: {
        Environment: "production",
        Region: "local",
        DeploymentId: "d",
        Outpost: "nyc-dc1",
        Color: "green",
        AppVersion: "2.0.0",
      },
    });
    const [v] = await failures([requiredTags], [pool]);
    expect(v.message).to.equal('tag Color is "green" but input color is "blue".');
  });
});
