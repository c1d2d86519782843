/**
 * Config mistakes that once passed silently (issue 8, section 3). Each must fail before any
 * resource exists, in the one ConfigValidationError that lists every problem with its key,
 * value and what is allowed.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import {
  ConfigValidationError,
  DEFAULT_LAYERS_DIR,
  loadFleetConfig,
  readStackFile,
  StackLayer,
} from "../../infra/config";
import { LOCAL_CLUSTER_CONTROL_PLANE_TYPES } from "../../infra/config/aws-catalog";
import { readStackConfig } from "../../infra/stack-config";
import { loadProgram } from "../support/record-stack";

type Outpost = Record<string, unknown>;

function us(change: Record<string, unknown> = {}): StackLayer {
  return { ...readStackFile("us"), ...change };
}

function withOutpost(index: number, change: Outpost, base = us()): StackLayer {
  const outposts = (base.outposts as Outpost[]).map((o, i) =>
    i === index ? { ...o, ...change } : o,
  );
  return { ...base, outposts };
}

function withOverrides(overrides: Record<string, unknown>, base = us()): StackLayer {
  return { ...base, overrides };
}

/** Runs the program under mocks that record registrations; returns the error and the count. */
async function refuse(
  layer: StackLayer,
  inventory?: Record<string, "secure" | "plaintext">,
): Promise<{ error: ConfigValidationError; registered: number }> {
  let registered = 0;
  await pulumi.runtime.setMocks({
    newResource: (args) => {
      registered += 1;
      return { id: `${args.name}-id`, state: args.inputs as Record<string, unknown> };
    },
    call: () => {
      throw new Error("no lookups expected before validation");
    },
  });
  const { fleetProgram } = loadProgram();
  const secrets = Object.fromEntries(
    Object.keys(inventory ?? {}).map((name) => [name, pulumi.secret("value")]),
  );
  try {
    fleetProgram(layer, secrets, inventory);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigValidationError);
    return { error: error as ConfigValidationError, registered };
  }
  throw new Error("the config was accepted");
}

/** Asserts one problem line and that nothing was registered. */
async function expectProblem(layer: StackLayer, line: string): Promise<ConfigValidationError> {
  const { error, registered } = await refuse(layer, ALL_SECRETS);
  expect(error.message).to.match(/^Invalid outpost-fleet configuration \(\d+ problems?\):/);
  expect(error.message).to.include(line);
  expect(registered).to.equal(0);
  return error;
}

const ALL_SECRETS = {
  "database-password": "secure",
  "cache-auth-token": "secure",
  "payment-api-key": "secure",
} as const;

/** The us stack file as the engine hands it to the program: every value a string. */
function engineConfig(change: Record<string, unknown> = {}): Record<string, string> {
  const file = parse(fs.readFileSync(path.resolve(__dirname, "../../Pulumi.us.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  return Object.fromEntries(
    Object.entries({ ...file.config, ...change }).map(([k, v]) => [
      k,
      typeof v === "string" ? v : JSON.stringify(v),
    ]),
  );
}

async function refuseFromEngine(
  config: Record<string, string>,
  secretKeys: string[],
): Promise<ConfigValidationError> {
  pulumi.runtime.setAllConfig(config, secretKeys);
  const { layer, secrets, inventory } = readStackConfig();
  const { error, registered } = await refuse(layer, inventory);
  expect(registered).to.equal(0);
  void secrets;
  return error;
}

describe("config mistakes that used to pass silently", () => {
  after(() => pulumi.runtime.setAllConfig({}));

  describe("a misspelled top-level key", () => {
    it("is refused at the entry point, which reads every key of the namespace", async () => {
      const config = engineConfig({
        "outpost-fleet:deploymnet": { "nyc-dc1": { activeColor: "green" } },
      });
      const error = await refuseFromEngine(config, []);
      expect(error.message).to.include(
        'outpost-fleet:deploymnet = {"nyc-dc1":{"activeColor":"green"}}: is not a known key; known stack keys: target, regionGroup, environment, certificateArn, serviceDomain, release, outposts, deployment, allowMultipleVpcs, overrides, secrets',
      );
    });

    it("is refused in a stack file, and every unknown key is listed in the one error", async () => {
      const error = await expectProblem(
        us({ deploymnet: {}, relase: { version: "2.1.0" } }),
        "outpost-fleet:deploymnet = {}: is not a known key",
      );
      expect(error.problems.map((p) => p.key)).to.include.members([
        "outpost-fleet:deploymnet",
        "outpost-fleet:relase",
      ]);
    });

    it("never shows the value of an unknown key Pulumi holds as a secret", async () => {
      const config = engineConfig({ "outpost-fleet:deployToken": "tok-1234567890" });
      const error = await refuseFromEngine(config, ["outpost-fleet:deployToken"]);
      expect(error.message).to.include(
        'outpost-fleet:deployToken = "[secret]": is not a known key',
      );
      expect(error.message).to.not.include("tok-1234567890");
    });
  });

  describe("a secret in plain text", () => {
    it("under outpost-fleet:secrets is refused: secure values only", async () => {
      const config = engineConfig({
        "outpost-fleet:secrets": { "database-password": "hunter2" },
      });
      const error = await refuseFromEngine(config, []);
      expect(error.message).to.include(
        `outpost-fleet:secrets.database-password = "[hidden]": is stored in plain text; set it as a secure value: pulumi config set --secret --path 'secrets.database-password' <value>`,
      );
      expect(error.message).to.not.include("hunter2");
    });

    it("under a secret-looking key anywhere is refused, without its value", async () => {
      const error = await expectProblem(
        withOverrides({ app: { dbPassword: "hunter2" } }),
        `outpost-fleet:app.dbPassword = "[hidden]": looks like a secret in plain text; secrets go under outpost-fleet:secrets.<name> as secure values`,
      );
      expect(error.message).to.not.include("hunter2");
      await expectProblem(
        withOutpost(0, { apiToken: "abc" }),
        `outpost-fleet:outposts[0].apiToken = "[hidden]": looks like a secret in plain text`,
      );
      await expectProblem(
        us({ paymentApiKey: "pk_live_1" }),
        `outpost-fleet:paymentApiKey = "[hidden]": looks like a secret in plain text`,
      );
    });
  });

  it("overrides may not replace a stack-level key", async () => {
    const error = await expectProblem(
      withOverrides({ release: { version: "9.9.9" }, loadBalancer: { idleTimeoutSeconds: 30 } }),
      'outpost-fleet:overrides.release = {"version":"9.9.9"}: is a stack-level key; set outpost-fleet:release itself, overrides may set only layered keys',
    );
    for (const key of ["regionGroup", "target", "environment", "outposts", "deployment"]) {
      const { error: each } = await refuse(withOverrides({ [key]: "x" }), ALL_SECRETS);
      expect(each.message, key).to.include(
        `outpost-fleet:overrides.${key} = "x": is a stack-level key`,
      );
    }
    expect(error.problems).to.have.length(1);
  });

  describe("wiring mistakes", () => {
    it("the same subnet on two Outposts", async () => {
      await expectProblem(
        withOutpost(2, { subnetId: "subnet-16fdaeeb975729fae" }),
        'outpost-fleet:outposts[2].subnetId = "subnet-16fdaeeb975729fae": must be unique; Outpost nyc-dc1 already has this subnetId',
      );
    });

    it("the same Outpost ARN on two Outposts", async () => {
      await expectProblem(
        withOutpost(1, {
          arn: "arn:aws:outposts:us-east-1:111122223333:outpost/op-1c17149d439536b32",
        }),
        'outpost-fleet:outposts[1].arn = "arn:aws:outposts:us-east-1:111122223333:outpost/op-1c17149d439536b32": must be unique; Outpost nyc-dc1 already has this arn',
      );
    });

    it("a certificate from another region", async () => {
      const arn =
        "arn:aws:acm:eu-west-1:111122223333:certificate/a4c123b1-0a1b-4c2d-8e3f-612dd272d137";
      const error = await expectProblem(
        us({ certificateArn: arn }),
        "must be an ACM certificate of the stack's region us-east-1 (it is in eu-west-1)",
      );
      expect(error.problems).to.deep.include({
        key: "outpost-fleet:certificateArn",
        value: arn,
        allowed: "must be an ACM certificate of the stack's region us-east-1 (it is in eu-west-1)",
      });
    });

    it("Outposts in different VPCs unless the stack says so", async () => {
      await expectProblem(
        us({ allowMultipleVpcs: false }),
        'outpost-fleet:outposts[1].vpcId = "vpc-c74254770f58904db": must be vpc-923d5a4fd12aabfe2, the VPC of nyc-dc1; Outposts of one stack share a VPC unless outpost-fleet:allowMultipleVpcs is true',
      );
      const shared = (us().outposts as Outpost[]).map((o) => ({
        ...o,
        vpcId: "vpc-923d5a4fd12aabfe2",
      }));
      expect(() =>
        loadFleetConfig(us({ allowMultipleVpcs: false, outposts: shared })),
      ).to.not.throw();
    });
  });

  describe("EKS mismatches", () => {
    it("an AL2023 node AMI on a local cluster", async () => {
      const parameter =
        "/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/standard/recommended/image_id";
      const error = await expectProblem(
        withOverrides({ eks: { nodeAmiSsmParameter: parameter } }),
        "outpost-fleet:eks.nodeAmiSsmParameter = ",
      );
      expect(error.problems).to.deep.include({
        key: "outpost-fleet:eks.nodeAmiSsmParameter",
        value: parameter,
        allowed:
          "must be an Amazon Linux 2 AMI (amazon-linux-2): AL2023 nodes cannot join a local cluster on an Outpost",
      });
    });

    it("a node AMI for another Kubernetes version than the cluster's", async () => {
      await expectProblem(
        withOverrides({
          eks: {
            nodeAmiSsmParameter:
              "/aws/service/eks/optimized-ami/1.30/amazon-linux-2/recommended/image_id",
          },
        }),
        "must be an AMI for Kubernetes 1.31 (eks.kubernetesVersion); this one is for 1.30",
      );
    });

    it("a Kubernetes version EKS doesn't offer for local clusters", async () => {
      await expectProblem(
        withOverrides({
          eks: {
            kubernetesVersion: "1.19",
            nodeAmiSsmParameter:
              "/aws/service/eks/optimized-ami/1.19/amazon-linux-2/recommended/image_id",
          },
        }),
        'outpost-fleet:eks.kubernetesVersion = "1.19": must be a version EKS offers for local clusters: 1.26, 1.27, 1.28, 1.29, 1.30, 1.31, 1.32',
      );
    });

    it("a control-plane instance type outside the families and sizes AWS documents for local clusters", async () => {
      const base = (us().outposts as Outpost[]).map((o) => ({
        ...o,
        instanceTypes: [...(o.instanceTypes as string[]), "m5.8xlarge", "g4dn.xlarge"],
      }));
      for (const type of ["m5.8xlarge", "g4dn.xlarge"]) {
        await expectProblem(
          withOverrides({ eks: { controlPlaneInstanceType: type } }, us({ outposts: base })),
          `outpost-fleet:eks.controlPlaneInstanceType = "${type}": must be a control-plane type AWS documents for local clusters: large, xlarge, 2xlarge or 4xlarge (by node count: 1-20, 21-100, 101-250, 251-500) of an Outposts rack's general-purpose, compute or memory family: ${LOCAL_CLUSTER_CONTROL_PLANE_TYPES.join(", ")}`,
        );
      }
    });

    it("takes a control-plane type of another documented family, when the Outpost has it", async () => {
      for (const type of ["m5d.xlarge", "c6i.2xlarge", "r7i.large", "m5.4xlarge"]) {
        const base = (us().outposts as Outpost[]).map((o) => ({
          ...o,
          instanceTypes: [...(o.instanceTypes as string[]), type],
        }));
        const config = loadFleetConfig(
          withOverrides({ eks: { controlPlaneInstanceType: type } }, us({ outposts: base })),
        );
        expect(config.eks.controlPlaneInstanceType).to.equal(type);
      }
    });
  });

  describe("bad values", () => {
    it("an instance type of a family Outposts don't offer", async () => {
      await expectProblem(
        withOutpost(0, { instanceTypes: ["m5.xlarge", "t3.micro"] }),
        'outpost-fleet:outposts[0].instanceTypes[1] = "t3.micro": must be of a family Outposts racks offer: c5, c5d, m5',
      );
    });

    it("a TLS policy name that isn't one of ELB's", async () => {
      await expectProblem(
        withOverrides({ loadBalancer: { sslPolicy: "ELBSecurityPolicy-TLS13-2099" } }),
        `outpost-fleet:loadBalancer.sslPolicy = "ELBSecurityPolicy-TLS13-2099": must be one of ELB's security policies for ALBs, for example ELBSecurityPolicy-TLS13-1-2-2021-06`,
      );
    });

    it("a health-check timeout at or above its interval", async () => {
      await expectProblem(
        withOverrides({ loadBalancer: { healthCheck: { timeoutSeconds: 10 } } }),
        "outpost-fleet:loadBalancer.healthCheck.timeoutSeconds = 10: must be less than healthCheck.intervalSeconds (10)",
      );
    });

    it("canary steps whose weights don't increase", async () => {
      await expectProblem(
        withOverrides({
          eks: {
            canarySteps: [{ setWeight: 50 }, { pause: {} }, { setWeight: 20 }, { setWeight: 100 }],
          },
        }),
        "outpost-fleet:eks.canarySteps[2].setWeight = 20: must be above the previous weight 50 (canarySteps[0]): weights only grow",
      );
    });

    it("a canary scale above 100% of the replicas", async () => {
      await expectProblem(
        withOverrides({
          eks: { canarySteps: [{ setCanaryScale: { weight: 150 } }, { setWeight: 100 }] },
        }),
        "outpost-fleet:eks.canarySteps[0].setCanaryScale.weight = 150: must be from 0 to 100",
      );
    });

    it("canary steps that don't end at 100", async () => {
      await expectProblem(
        withOverrides({
          eks: { canarySteps: [{ setWeight: 10 }, { analysis: true }, { setWeight: 50 }] },
        }),
        "outpost-fleet:eks.canarySteps = [10,50]: must end with setWeight 100, so that the canary ends on the new version",
      );
    });
  });

  describe("compliance mode", () => {
    it("is open: a region layer declares its own (Brazil's LGPD)", () => {
      const layers = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-layers-"));
      try {
        fs.cpSync(DEFAULT_LAYERS_DIR, layers, { recursive: true });
        fs.writeFileSync(
          path.join(layers, "region", "br.yaml"),
          [
            "region:",
            "  databaseEndpoint: storefront-db.cluster-0a1b2c3d4e5f.sa-east-1.rds.amazonaws.com",
            "  cacheEndpoint: storefront-cache.q1w2e3.ng.0001.sae1.cache.amazonaws.com",
            "  complianceMode: LGPD",
            "  dataResidency: br",
            "",
          ].join("\n"),
        );
        const config = loadFleetConfig(us({ regionGroup: "br" }), layers);
        expect(config.region.complianceMode).to.equal("LGPD");
      } finally {
        fs.rmSync(layers, { recursive: true, force: true });
      }
    });

    it("must still be a regime's name", async () => {
      await expectProblem(
        withOverrides({ region: { complianceMode: "gdpr please" } }),
        'outpost-fleet:region.complianceMode = "gdpr please": must be an upper-case regime name like SOX, GDPR or LGPD',
      );
    });
  });

  it("a declared secret without a value is an error in production", async () => {
    const { error, registered } = await refuse(us(), { "database-password": "secure" });
    expect(registered).to.equal(0);
    expect(error.message).to.include(
      "outpost-fleet:secrets.cache-auth-token = (missing): is declared in secretNames but has no value; a production stack needs every secret: pulumi config set --secret --path 'secrets.cache-auth-token' <value>",
    );
    expect(error.problems.map((p) => p.key)).to.deep.equal([
      "outpost-fleet:secrets.cache-auth-token",
      "outpost-fleet:secrets.payment-api-key",
    ]);
  });

  describe("AWS limits the schema alone can't see", () => {
    it("an Outpost name whose derived ELB name would pass 32 characters names that name", async () => {
      const name = "chicago-west-dc1"; // 16 characters
      const error = await expectProblem(
        withOutpost(0, { name }),
        'outpost-fleet:outposts[0].name = "chicago-west-dc1": derives the target group name "chicago-west-dc1-green-tg", 33 characters with Pulumi\'s 8-character suffix; ELB allows 32, so Outpost names on AWS have at most 15 characters',
      );
      expect(
        error.problems.filter((p) => p.key === "outpost-fleet:outposts[0].name"),
      ).to.have.length(1);
      expect(() =>
        loadFleetConfig(withOutpost(0, { name: "chicago-wst-dc1" }, us({ deployment: {} }))),
      ).to.not.throw();
    });

    it("an internet-facing ALB needs the Outpost's customer-owned IP pool", async () => {
      await expectProblem(
        withOutpost(3, { customerOwnedIpv4Pool: undefined }),
        "outpost-fleet:outposts[3].customerOwnedIpv4Pool = (missing): is required when loadBalancer.scheme is internet-facing",
      );
    });

    it("an internal ALB takes no pool", async () => {
      await expectProblem(
        withOverrides({ loadBalancer: { scheme: "internal" } }),
        "must be left out when loadBalancer.scheme is internal: an internal ALB has VPC addresses only",
      );
      await expectProblem(
        withOverrides({ loadBalancer: { scheme: "public" } }),
        'outpost-fleet:loadBalancer.scheme = "public": must be internal or internet-facing',
      );
    });

    it("a pool id of the wrong shape", async () => {
      await expectProblem(
        withOutpost(0, { customerOwnedIpv4Pool: "pool-1" }),
        'outpost-fleet:outposts[0].customerOwnedIpv4Pool = "pool-1": must be a customer-owned IP pool id, for example ipv4pool-coip-0123456789abcdef0',
      );
    });

    it("a test listener port that collides with the main listeners", async () => {
      await expectProblem(
        withOverrides({ loadBalancer: { testListenerPort: 443 } }),
        "outpost-fleet:loadBalancer.testListenerPort = 443: must not be 80 or 443 (the main listeners)",
      );
    });
  });
});
