import { expect } from "chai";
import { recordStack } from "../support/record-stack";
import { changedResources, ofType, withState } from "./helpers";

const WARM = { idleWarm: true };

describe("blue/green changes", () => {
  it("a flip changes only the HTTPS listener's weights and the test listener's target, and replaces nothing", async () => {
    const before = await recordStack(withState("us", "nyc-dc1", WARM));
    const after = await recordStack(withState("us", "nyc-dc1", { ...WARM, activeColor: "green" }));
    expect(changedResources(before.resources, after.resources)).to.deep.equal([
      "aws:lb/listener:Listener::nyc-dc1-https",
      "aws:lb/listener:Listener::nyc-dc1-test",
    ]);
    const names = (r: typeof before) => r.resources.map((x) => `${x.type}::${x.name}`).sort();
    expect(names(after)).to.deep.equal(names(before));
    const listener = ofType(after.resources, "aws:lb/listener:Listener").find(
      (r) => r.name === "nyc-dc1-https",
    );
    const groups = (
      listener?.inputs.defaultActions as {
        forward: { targetGroups: { arn: string; weight: number }[] };
      }[]
    )[0].forward.targetGroups;
    expect(
      groups.map((g) => [g.arn.includes("blue-tg") ? "blue" : "green", g.weight]),
    ).to.deep.equal([
      ["blue", 0],
      ["green", 100],
    ]);
  });

  it("a canary weight sends that share to the idle color", async () => {
    const { outputs } = await recordStack(withState("us", "iad-dc2", { candidateWeight: 10 }));
    const site = (outputs.outposts as Record<string, { weights: unknown }>)["iad-dc2"];
    expect(site.weights).to.deep.equal({ blue: 90, green: 10 });
  });

  it("a new version on the idle color touches only that color's launch template and ASG", async () => {
    const before = await recordStack("us");
    const after = await recordStack(withState("us", "ord-dc1", { greenVersion: "2.1.0" }));
    expect(changedResources(before.resources, after.resources)).to.deep.equal([
      "aws:autoscaling/group:Group::ord-dc1-green-asg",
      "aws:ec2/launchTemplate:LaunchTemplate::ord-dc1-green-lt",
    ]);
  });

  it("scales an idle color to zero unless it is kept warm", async () => {
    const cold = await recordStack("us");
    const warm = await recordStack(withState("us", "nyc-dc1", WARM));
    const green = (r: typeof cold) =>
      ofType(r.resources, "aws:autoscaling/group:Group").find((x) => x.name === "nyc-dc1-green-asg")
        ?.inputs;
    expect(green(cold)).to.include({ minSize: 0, desiredCapacity: 0, maxSize: 6 });
    expect(green(warm)).to.include({ minSize: 2, desiredCapacity: 3, maxSize: 6 });
  });

  it("target groups health-check /health and drain quickly", async () => {
    const { resources } = await recordStack("eu");
    for (const group of ofType(resources, "aws:lb/targetGroup:TargetGroup")) {
      expect(group.inputs.deregistrationDelay).to.equal(15);
      expect(group.inputs.healthCheck).to.include({ path: "/health", matcher: "200" });
    }
  });
});
