import { expect } from "chai";
import { blueGreenSymmetry } from "../../policies/blue-green-symmetry";
import { failures, violations } from "./support/check";
import {
  autoScalingGroup,
  httpsListener,
  OutpostState,
  outpostSite,
  res,
  STEADY,
  stackOutputs,
  targetGroupArn,
  VERSION,
  withProp,
} from "./support/policy-fixtures";
import { PackResource, PREVIEW_UNKNOWN } from "./support/run-pack";

describe("policies: blue-green-symmetry", () => {
  const stack = (state: OutpostState = STEADY): PackResource[] => [
    stackOutputs({ "nyc-dc1": state }),
    ...outpostSite(state),
  ];
  const replace = (
    resources: PackResource[],
    name: string,
    change: (r: PackResource) => PackResource,
  ) => resources.map((r) => (r.name === name ? change(r) : r));
  const urnOf = (resources: PackResource[], name: string) =>
    resources.find((r) => r.name === name)!.urn;
  const midway: OutpostState = {
    blueVersion: "1.9.0",
    greenVersion: VERSION,
    activeColor: "blue",
    candidateWeight: 50,
  };

  it("passes two colors that differ only in version and size", async () => {
    expect(await violations([blueGreenSymmetry], stack())).to.deep.equal([]);
    expect(
      await violations([blueGreenSymmetry], stack({ ...STEADY, greenVersion: "2.1.0" })),
    ).to.deep.equal([]);
    expect(await violations([blueGreenSymmetry], stack(midway))).to.deep.equal([]);
  });

  it("fails a color with another instance type, pointing at the candidate", async () => {
    const resources = replace(stack(), "nyc-dc1-green-lt", (r) =>
      withProp(r, "instanceType", "c5.xlarge"),
    );
    const [v, ...rest] = await failures([blueGreenSymmetry], resources);
    expect(rest).to.deep.equal([]);
    expect(v.message).to.equal(
      'Outpost nyc-dc1: aws:ec2/launchTemplate:LaunchTemplate nyc-dc1-green-lt differs from nyc-dc1-blue-lt beyond version and size: instanceType (blue "m5.xlarge", green "c5.xlarge").',
    );
    expect(v.urn).to.equal(urnOf(resources, "nyc-dc1-green-lt"));
  });

  it("points at blue when blue is the candidate", async () => {
    const state: OutpostState = { ...STEADY, activeColor: "green" };
    const resources = replace(stack(state), "nyc-dc1-blue-tg", (r) =>
      withProp(r, "healthCheck.path", "/"),
    );
    const [v] = await failures([blueGreenSymmetry], resources);
    expect(v.message).to.contain('healthCheck.path (blue "/", green "/health")');
    expect(v.urn).to.equal(urnOf(resources, "nyc-dc1-blue-tg"));
  });

  it("fails a color that lacks one of the other's resources", async () => {
    const resources = stack().filter((r) => r.name !== "nyc-dc1-green-5xx");
    const [v] = await failures([blueGreenSymmetry], resources);
    expect(v.message).to.equal(
      "Outpost nyc-dc1: blue has 1 aws:cloudwatch/metricAlarm:MetricAlarm (nyc-dc1-blue-5xx) but green has 0; both colors need the same resources.",
    );
    expect(v.urn).to.equal(urnOf(resources, "nyc-dc1-blue-5xx"));
  });

  it("fails a boot script that differs in more than version and color", async () => {
    const script = Buffer.from(
      `#!/bin/bash\nAPP_VERSION=${VERSION}\nAPP_COLOR=green\nOUTPOST=nyc-dc1\nPORT=9090\n`,
    ).toString("base64");
    const resources = replace(stack(), "nyc-dc1-green-lt", (r) => withProp(r, "userData", script));
    const [v] = await failures([blueGreenSymmetry], resources);
    expect(v.message).to.contain("differs from nyc-dc1-blue-lt beyond version and size: userData");
  });

  it("fails an active color that is not a color", async () => {
    const resources = stack();
    (resources[0].props.outposts as Record<string, Record<string, unknown>>)[
      "nyc-dc1"
    ].activeColor = "purple";
    const [v] = await failures([blueGreenSymmetry], resources);
    expect(v.message).to.equal(
      'Outpost nyc-dc1 declares active color "purple"; it must be blue or green.',
    );
  });

  it("fails two resources that disagree on the active color", async () => {
    const balancer = res("pulumi-nodejs:dynamic:Resource", "nyc-dc1-balancer", {
      outpost: "nyc-dc1",
      activeColor: "green",
    });
    const [v] = await failures([blueGreenSymmetry], [...stack(), balancer]);
    expect(v.message).to.equal(
      "Outpost nyc-dc1 has 2 active colors (outpost-fleet-us: blue, nyc-dc1-balancer: green); exactly one color is active.",
    );
  });

  it("fails a candidate weight outside 0-100", async () => {
    const resources = stack();
    (resources[0].props.outposts as Record<string, Record<string, unknown>>)[
      "nyc-dc1"
    ].candidateWeight = 120;
    const [v] = await failures([blueGreenSymmetry], resources);
    expect(v.message).to.equal(
      "Outpost nyc-dc1 candidate weight is 120; it must be a whole number from 0 to 100.",
    );
    expect(v.urn).to.equal(resources[0].urn);
  });

  it("fails listener weights that disagree with the declared candidate weight", async () => {
    const resources = replace(stack(), "nyc-dc1-https", () =>
      httpsListener({ blue: 50, green: 50 }),
    );
    const found = await failures([blueGreenSymmetry], resources);
    expect(found.map((v) => v.message)).to.deep.equal([
      "Outpost nyc-dc1: nyc-dc1-https sends 50% to green (candidate), but the declared candidate weight is 0% (active blue).",
      'Outpost nyc-dc1: nyc-dc1-https weights {"blue":50,"green":50} differ from the declared {"blue":100,"green":0} (outpost-fleet-us).',
      "Outpost nyc-dc1: nyc-dc1-https sends traffic to green, but nyc-dc1-green-asg has desiredCapacity 0.",
    ]);
    expect(found[0].urn).to.equal(urnOf(resources, "nyc-dc1-https"));
    expect(found[2].urn).to.equal(urnOf(resources, "nyc-dc1-green-asg"));
  });

  it("fails a listener that forwards to one color twice", async () => {
    const resources = replace(stack(), "nyc-dc1-https", (r) =>
      withProp(r, "defaultActions.0.forward.targetGroups.1.arn", targetGroupArn("blue")),
    );
    const [v] = await failures([blueGreenSymmetry], resources);
    expect(v.message).to.equal(
      "Outpost nyc-dc1: nyc-dc1-https forwards to blue, blue; it must forward to each color exactly once, the idle one at weight 0.",
    );
  });

  it("fails a test listener that forwards to the active color instead of the candidate", async () => {
    const resources = replace(stack(), "nyc-dc1-test", (r) =>
      withProp(r, "defaultActions.0.targetGroupArn", targetGroupArn("blue")),
    );
    const [v, ...rest] = await failures([blueGreenSymmetry], resources);
    expect(rest).to.deep.equal([]);
    expect(v.message).to.equal(
      "Outpost nyc-dc1: nyc-dc1-test (the test listener) forwards to blue; it must forward only to the candidate color, green.",
    );
    expect(v.urn).to.equal(urnOf(resources, "nyc-dc1-test"));
    const flipped = stack({ ...STEADY, activeColor: "green" });
    expect(await failures([blueGreenSymmetry], flipped)).to.deep.equal([]);
  });

  it("fails traffic to a color scaled to zero", async () => {
    const state: OutpostState = { ...STEADY, candidateWeight: 10 };
    const resources = replace(stack(state), "nyc-dc1-green-asg", () =>
      autoScalingGroup("green", VERSION, { min: 0, desired: 0, max: 6 }),
    );
    const [v] = await failures([blueGreenSymmetry], resources);
    expect(v.message).to.equal(
      "Outpost nyc-dc1: nyc-dc1-https sends traffic to green, but nyc-dc1-green-asg has desiredCapacity 0.",
    );
  });

  it("skips what it can't know during preview instead of failing", async () => {
    const resources = replace(stack(), "nyc-dc1-https", (r) =>
      withProp(r, "defaultActions.0.forward.targetGroups.1.arn", PREVIEW_UNKNOWN),
    );
    expect(await failures([blueGreenSymmetry], resources)).to.deep.equal([]);
  });
});
