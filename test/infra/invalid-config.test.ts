import { expect } from "chai";
import { ConfigValidationError, readStackFile, StackLayer } from "../../infra/config";
import { loadProgram, recordStack } from "../support/record-stack";

type Outpost = Record<string, unknown>;

function withOutpost(index: number, change: Outpost): StackLayer {
  const layer = readStackFile("us");
  const outposts = (layer.outposts as Outpost[]).map((o, i) =>
    i === index ? { ...o, ...change } : o,
  );
  return { ...layer, outposts };
}

function withDeployment(outpost: string, change: Record<string, unknown>): StackLayer {
  const layer = readStackFile("us");
  const deployment = layer.deployment as Record<string, Record<string, unknown>>;
  return {
    ...layer,
    deployment: { ...deployment, [outpost]: { ...deployment[outpost], ...change } },
  };
}

const CASES: { name: string; layer: () => StackLayer; message: string }[] = [
  {
    name: "a missing ARN",
    layer: () => withOutpost(1, { arn: undefined }),
    message: "outpost-fleet:outposts[1].arn = (missing): is required (string)",
  },
  {
    name: "a malformed ARN",
    layer: () => withOutpost(2, { arn: "arn:aws:ec2:us-east-1:111122223333:instance/i-1" }),
    message:
      'outpost-fleet:outposts[2].arn = "arn:aws:ec2:us-east-1:111122223333:instance/i-1": must be an Outpost ARN, for example arn:aws:outposts:us-east-1:111122223333:outpost/op-0123456789abcdef0',
  },
  {
    name: "duplicate Outpost names",
    layer: () => withOutpost(3, { name: "nyc-dc1" }),
    message:
      'outpost-fleet:outposts[3].name = "nyc-dc1": must be unique; another Outpost in this stack already has this name',
  },
  {
    name: "a color other than blue or green",
    layer: () => withDeployment("nyc-dc1", { activeColor: "purple" }),
    message: 'outpost-fleet:deployment.nyc-dc1.activeColor = "purple": must be blue or green',
  },
  {
    name: "a weight above 100",
    layer: () => withDeployment("iad-dc2", { candidateWeight: 150 }),
    message: "outpost-fleet:deployment.iad-dc2.candidateWeight = 150: must be from 0 to 100",
  },
  {
    name: "a negative weight",
    layer: () => withDeployment("iad-dc2", { candidateWeight: -5 }),
    message: "outpost-fleet:deployment.iad-dc2.candidateWeight = -5: must be from 0 to 100",
  },
  {
    name: "an instance type the Outpost doesn't have",
    layer: () => withOutpost(0, { instanceType: "m5.24xlarge" }),
    message:
      'outpost-fleet:outposts[0].instanceType = "m5.24xlarge": must be one this Outpost has: m5.xlarge, m5.2xlarge, c5.xlarge, c5.2xlarge, r5.large',
  },
  {
    name: "a release version that isn't semver",
    layer: () => ({ ...readStackFile("us"), release: { version: "v2.1" } }),
    message:
      'outpost-fleet:release.version = "v2.1": must be a semantic version, for example 2.1.0',
  },
  {
    name: "a color version that isn't semver",
    layer: () => withDeployment("ord-dc1", { greenVersion: "latest" }),
    message:
      'outpost-fleet:deployment.ord-dc1.greenVersion = "latest": must be a semantic version, for example 2.1.0',
  },
  {
    name: "an empty Outpost list",
    layer: () => ({ ...readStackFile("us"), outposts: [] }),
    message: "outpost-fleet:outposts = []: must list at least one Outpost",
  },
  {
    name: "an unknown region group",
    layer: () => ({ ...readStackFile("us"), regionGroup: "mars" }),
    message: 'outpost-fleet:regionGroup = "mars": must be one of: apac, eu, us',
  },
  {
    name: "a misspelled key",
    layer: () => ({
      ...readStackFile("us"),
      overrides: { loadBalancer: { deregistrationDelay: 5 } },
    }),
    message:
      "outpost-fleet:loadBalancer.deregistrationDelay = 5: is not a known key; check the spelling against docs/configuration.md",
  },
  {
    name: "an Outpost too small for both colors, the EKS nodes, the local control plane and the ALBs",
    layer: () => withOutpost(2, { capacity: { min: 2, desired: 3, max: 6, maxInstances: 22 } }),
    message:
      "outpost-fleet:outposts[2].capacity.maxInstances = 22: must be at least 23 (blue 6 + green 6 + EKS nodes 4 + 3 control-plane instances + 2 ALBs x 2 instances) so that everything fits during a release",
  },
  {
    name: "an extended cluster without regional subnets",
    layer: () => withOutpost(0, { clusterKind: "extended" }),
    message:
      "outpost-fleet:outposts[0].regionSubnetIds = (missing): must list at least two in-region subnets",
  },
];

describe("invalid config fails before any resource exists", () => {
  for (const c of CASES) {
    it(`refuses ${c.name}`, async () => {
      const error = await recordStack(c.layer()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ConfigValidationError);
      expect((error as Error).message).to.include(c.message);
      expect((error as Error).message).to.match(
        /^Invalid outpost-fleet configuration \(\d+ problems?\):/,
      );
    });
  }

  it("lists every problem in one message, and registers nothing", async () => {
    const layer = withOutpost(1, { arn: "nope", instanceType: "m5.24xlarge" });
    const broken = {
      ...layer,
      release: { version: "2" },
      deployment: {
        ...(layer.deployment as object),
        "iad-dc2": {
          blueVersion: "2.0.0",
          greenVersion: "2.0.0",
          activeColor: "red",
          candidateWeight: 101,
          idleWarm: false,
        },
      },
    };
    let error: ConfigValidationError | undefined;
    const pulumi = await import("@pulumi/pulumi");
    const registered: string[] = [];
    await pulumi.runtime.setMocks({
      newResource: (args) => {
        registered.push(args.name);
        return { id: "x", state: {} };
      },
      call: () => {
        throw new Error("no lookups expected");
      },
    });
    try {
      const { fleetProgram } = loadProgram();
      fleetProgram(broken);
    } catch (e) {
      error = e as ConfigValidationError;
    }
    expect(registered).to.deep.equal([]);
    expect(error?.problems.map((p) => p.key)).to.deep.equal([
      "outpost-fleet:release.version",
      "outpost-fleet:outposts[1].arn",
      "outpost-fleet:deployment.iad-dc2.activeColor",
      "outpost-fleet:deployment.iad-dc2.candidateWeight",
    ]);
  });

  it("refuses a secret nobody declared, without showing its value", async () => {
    const error = await recordStack("us", { secrets: { "databse-password": "hunter2" } }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.include(
      'outpost-fleet:secrets.databse-password = "[secret]": names no declared secret',
    );
    expect(error?.message).to.not.include("hunter2");
  });
});
