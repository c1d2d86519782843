import { expect } from "chai";
import { buildPlan, type PlanInput } from "../../automation/plan/build-plan";
import { parseConcurrency } from "../../automation/plan/concurrency";
import { formatPlan, planDocument } from "../../automation/plan/format-plan";
import {
  parsePrestage,
  selectStacks,
  validateRelease,
  validateWaveOrder,
} from "../../automation/plan/plan-inputs";
import { batchesOf } from "../../automation/plan/plan-types";
import { releaseArtifacts } from "../../automation/plan/release-artifacts";
import { parseTrafficSteps } from "../../automation/plan/traffic-steps";
import { DEFAULT_SETTINGS, parseDriverSettings } from "../../automation/settings/driver-settings";
import { UserError } from "../../automation/support/user-error";
import { exampleFleet, fleetStack } from "./support/fleet-fixture";

const input = (overrides: Partial<PlanInput> = {}): PlanInput => ({
  release: "2.1.0",
  stacks: exampleFleet(),
  waveOrder: ["us", "eu", "apac"],
  concurrency: { count: 2 },
  traffic: { aws: [100], local: [10, 50, 100] },
  eksCanary: true,
  rollbackScope: "wave",
  ...overrides,
});

describe("plan: buildPlan", () => {
  it("makes one wave per region group, in the configured order", () => {
    const plan = buildPlan(input({ waveOrder: ["apac", "us"] }));
    // eu is not listed, so it follows the listed ones.
    expect(plan.waves.map((w) => w.name)).to.deep.equal(["apac", "us", "eu"]);
  });

  it("makes the first Outpost of each wave its ring-0 canary, alone in batch 0", () => {
    const plan = buildPlan(input());
    for (const wave of plan.waves) {
      expect(wave.stages.map((s) => s.ring)).to.deep.equal([0, 1, 1, 1]);
      expect(batchesOf(wave).map((b) => b.map((s) => s.outpost))).to.deep.equal([
        [`${wave.name}-op1`],
        [`${wave.name}-op2`, `${wave.name}-op3`],
        [`${wave.name}-op4`],
      ]);
    }
  });

  it("resolves a percentage concurrency against the Outposts after the canary", () => {
    const plan = buildPlan(input({ stacks: exampleFleet(11), concurrency: { percent: 50 } }));
    expect(plan.waves[0].concurrency).to.equal(5);
    expect(batchesOf(plan.waves[0]).map((b) => b.length)).to.deep.equal([1, 5, 5]);
  });

  it("gives AWS stacks a flip plus the EKS canary and local stacks stepped weights", () => {
    const stacks = [fleetStack("us", ["a"]), fleetStack("local-1", ["b"], { target: "local" })];
    const plan = buildPlan(input({ stacks }));
    expect(plan.steps.us.map((s) => s.id)).to.deep.equal([
      "deploy-idle",
      "verify",
      "flip",
      "canary",
      "bake",
    ]);
    expect(plan.steps["local-1"].map((s) => s.id)).to.deep.equal([
      "deploy-idle",
      "verify",
      "shift-10",
      "shift-50",
      "flip",
      "bake",
    ]);
  });

  it("groups several stacks of one region group into one wave", () => {
    const stacks = [
      fleetStack("us-b", ["b1"], { regionGroup: "us" }),
      fleetStack("us-a", ["a1", "a2"], { regionGroup: "us" }),
    ];
    const plan = buildPlan(input({ stacks, waveOrder: [] }));
    expect(plan.waves).to.have.length(1);
    expect(plan.waves[0].stages.map((s) => s.id)).to.deep.equal(["us-a/a1", "us-a/a2", "us-b/b1"]);
  });

  it("is deterministic: same input, same printed plan", () => {
    const first = JSON.stringify(planDocument(buildPlan(input())));
    const reversed = input({ stacks: [...exampleFleet()].reverse() });
    expect(JSON.stringify(planDocument(buildPlan(reversed)))).to.equal(first);
    expect(formatPlan(buildPlan(input()))).to.equal(formatPlan(buildPlan(reversed)));
  });

  it("prints the documented JSON shape", () => {
    const doc = planDocument(buildPlan(input({ stacks: exampleFleet(2, ["us"]) })));
    expect(doc).to.deep.include({
      release: "2.1.0",
      waves: [
        {
          name: "us",
          concurrency: 2,
          stages: [
            { stack: "us", outpost: "us-op1", ring: 0 },
            { stack: "us", outpost: "us-op2", ring: 1 },
          ],
          staging: false,
          syncStacks: ["us"],
        },
      ],
    });
  });

  it("ends every wave with sync-stack: one untargeted up of each of its stacks", () => {
    const stacks = [
      fleetStack("us-b", ["b1"], { regionGroup: "us" }),
      fleetStack("us-a", ["a1"], { regionGroup: "us" }),
      fleetStack("eu", ["e1"]),
    ];
    const plan = buildPlan(input({ stacks, waveOrder: ["us", "eu"] }));
    expect(plan.waves.map((w) => w.syncStacks)).to.deep.equal([["us-a", "us-b"], ["eu"]]);
    expect(formatPlan(plan)).to.contain(
      "sync-stack  us-a, us-b (untargeted up: stack-wide resources follow the release)",
    );
  });
});

describe("plan: the fleet-wide prestage step", () => {
  it("is absent unless asked for: each stage deploys its own idle color", () => {
    const plan = buildPlan(input({ stacks: exampleFleet(2, ["us"]) }));
    expect(plan.prestage).to.equal(undefined);
    expect(planDocument(plan).prestage).to.equal(null);
    expect(formatPlan(plan)).to.not.contain("prestage");
  });

  it("puts every Outpost in prestage batches, in wave order, and drops deploy-idle from the stages", () => {
    const plan = buildPlan(
      input({ stacks: exampleFleet(3, ["us", "eu"]), waveOrder: ["eu", "us"], prestage: true }),
    );
    expect(plan.prestage).to.deep.equal({
      concurrency: 2,
      batches: [
        ["eu/eu-op1", "eu/eu-op2"],
        ["eu/eu-op3", "us/us-op1"],
        ["us/us-op2", "us/us-op3"],
      ],
    });
    expect(plan.steps.us.map((s) => s.id)).to.deep.equal(["verify", "flip", "canary", "bake"]);
    // The waves themselves are the same as without the prestage.
    const without = buildPlan(
      input({ stacks: exampleFleet(3, ["us", "eu"]), waveOrder: ["eu", "us"] }),
    );
    expect(plan.waves).to.deep.equal(without.waves);
  });

  it("resolves a percentage against the whole fleet (no canary: it moves no traffic)", () => {
    const plan = buildPlan(
      input({ stacks: exampleFleet(10), concurrency: { percent: 50 }, prestage: true }),
    );
    expect(plan.prestage?.concurrency).to.equal(15);
    expect(plan.prestage?.batches.map((b) => b.length)).to.deep.equal([15, 15]);
  });

  it("shows the step in the JSON document and the printed plan", () => {
    const plan = buildPlan(input({ stacks: exampleFleet(2, ["us", "eu"]), prestage: true }));
    expect(planDocument(plan)).to.deep.include({
      release: "2.1.0",
      prestage: {
        concurrency: 2,
        batches: [
          ["us/us-op1", "us/us-op2"],
          ["eu/eu-op1", "eu/eu-op2"],
        ],
      },
    });
    expect(planDocument(plan).steps.us).to.deep.equal(["verify", "flip", "canary", "bake"]);
    expect(formatPlan(plan).split("\n")).to.deep.equal([
      'Release 2.1.0: 2 wave(s), 4 Outpost(s), rollback scope "wave"',
      "  schedule: strict sequence (--pipeline-waves off): every step after the one before",
      "  0. preflight: preview every stack with the policy packs; a mandatory violation stops here",
      "  1. prestage: launch and warm every Outpost's idle color on 2.1.0, no traffic (concurrency 2; the idle colors stay warm until finalize)",
      "     batch 0  us/us-op1, us/us-op2",
      "     batch 1  eu/eu-op1, eu/eu-op2",
      "  2. wave us (concurrency 2)",
      "     canary   us/us-op1",
      "     batch 1  us/us-op2",
      "     sync-stack  us (untargeted up: stack-wide resources follow the release)",
      "  3. wave eu (concurrency 2)",
      "     canary   eu/eu-op1",
      "     batch 1  eu/eu-op2",
      "     sync-stack  eu (untargeted up: stack-wide resources follow the release)",
      "  4. finalize: scale the old color down on every Outpost (after the release is reported deployed)",
      "  steps per stage:",
      "     eu: verify > flip > canary > bake",
      "     us: verify > flip > canary > bake",
    ]);
  });

  it("shows waves in a pipeline: the schedule, the prestage's start and the soak steps side by side", () => {
    const schedule = { pipelineWaves: true, prestageBesideStagingTests: true };
    const plan = buildPlan(
      input({ stacks: exampleFleet(2, ["us", "eu"]), prestage: true, schedule }),
    );
    expect(planDocument(plan).schedule).to.deep.equal(schedule);
    const lines = formatPlan(plan).split("\n");
    expect(lines[1]).to.equal(
      "  schedule: waves in a pipeline: each wave's canary starts once the wave before has flipped its last batch, beside its bake; its followers flip after that wave has ended; a batch's soak steps (in parentheses) run side by side, and the next batch verifies beside them",
    );
    expect(lines).to.include("     us: verify > flip > (canary | bake)");
    expect(lines.find((l) => l.includes("prestage"))).to.include(
      "prestage (starts once wave 0 has flipped, beside its test gates):",
    );
    expect(planDocument(buildPlan(input({ stacks: exampleFleet(1) }))).schedule).to.deep.equal({
      pipelineWaves: false,
      prestageBesideStagingTests: false,
    });
  });
});

describe("plan: input validation", () => {
  const userError = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      expect(err).to.be.instanceOf(UserError);
      return (err as Error).message;
    }
    throw new Error("expected a UserError");
  };

  it("refuses versions that are not plain semver, naming the flag", () => {
    for (const bad of ["v2.1.0", "2.1", "latest", "2.1.0 "]) {
      expect(userError(() => validateRelease(bad))).to.match(
        /^--release = ".*": must be a semantic version/,
      );
    }
    expect(validateRelease("2.1.0-rc.1")).to.equal("2.1.0-rc.1");
  });

  it("refuses unknown stacks and lists the known ones", () => {
    expect(userError(() => selectStacks(exampleFleet(), ["us", "mars"]))).to.equal(
      '--stacks = "mars": unknown stack; must be among us, eu, apac',
    );
  });

  it("refuses wave names that are not region groups", () => {
    expect(userError(() => validateWaveOrder(["us", "moon"], exampleFleet()))).to.contain(
      '--waves = "moon"',
    );
  });

  it("parses concurrency and traffic steps, refusing nonsense", () => {
    expect(parseConcurrency("3")).to.deep.equal({ count: 3 });
    expect(parseConcurrency("25%")).to.deep.equal({ percent: 25 });
    expect(userError(() => parseConcurrency("0"))).to.contain("--concurrency");
    expect(userError(() => parseConcurrency("150%"))).to.contain("--concurrency");
    expect(parseTrafficSteps("10,50,100")).to.deep.equal([10, 50, 100]);
    expect(userError(() => parseTrafficSteps("50,10,100"))).to.contain("--traffic-steps");
    expect(userError(() => parseTrafficSteps("10,50"))).to.contain("ending in 100");
  });

  it("driver settings: prestage is on by default, a boolean, and refused otherwise", () => {
    expect(DEFAULT_SETTINGS.prestage).to.equal(true);
    expect(parseDriverSettings({ prestage: false }, "driver.yaml", ".").prestage).to.equal(false);
    expect(userError(() => parseDriverSettings({ prestage: "off" }, "driver.yaml", "."))).to.equal(
      'driver.yaml: invalid driver settings:\n  - prestage: must be true or false (got "off")',
    );
  });

  it("parses --prestage on|off, refusing anything else with the flag and what is allowed", () => {
    expect(parsePrestage("on")).to.equal(true);
    expect(parsePrestage("off")).to.equal(false);
    for (const bad of ["yes", "true", "ON", ""]) {
      expect(userError(() => parsePrestage(bad))).to.equal(
        `--prestage = "${bad}": must be on or off`,
      );
    }
  });
});

describe("plan: wave 0, the staging stacks", () => {
  const staging = (name: string, outposts: string[], regionGroup: string) =>
    fleetStack(name, outposts, { regionGroup, environment: "staging" });
  const fleet = () => [
    ...exampleFleet(2),
    staging("staging-us", ["us-stg1"], "us"),
    staging("staging-eu", ["eu-stg1"], "eu"),
  ];

  it("puts every staging stack into wave 0, before the production waves, whatever its region", () => {
    const plan = buildPlan(input({ stacks: fleet() }));
    expect(plan.waves.map((w) => [w.name, w.staging === true])).to.deep.equal([
      ["staging", true],
      ["us", false],
      ["eu", false],
      ["apac", false],
    ]);
    // No canary: staging serves no customer, so every staging Outpost moves at once.
    expect(plan.waves[0].stages.map((s) => [s.id, s.ring, s.batch])).to.deep.equal([
      ["staging-eu/eu-stg1", 1, 0],
      ["staging-us/us-stg1", 1, 0],
    ]);
    expect(formatPlan(plan)).to.contain("     batch 0  staging-eu/eu-stg1, staging-us/us-stg1\n");
    expect(plan.waves[1].stages.map((s) => s.stack)).to.deep.equal(["us", "us"]);
  });

  it("gives staging stages the test step after the flip (and the EKS canary), before the bake", () => {
    const plan = buildPlan(input({ stacks: fleet() }));
    expect(plan.steps["staging-us"].map((s) => s.id)).to.deep.equal([
      "deploy-idle",
      "verify",
      "flip",
      "canary",
      "test",
      "bake",
    ]);
    expect(plan.steps.us.map((s) => s.id)).to.not.include("test");
  });

  it("pre-stages only the production Outposts; staging deploys its own idle colors", () => {
    const plan = buildPlan(input({ stacks: fleet(), prestage: true }));
    expect(plan.prestage?.batches.flat()).to.deep.equal([
      "us/us-op1",
      "us/us-op2",
      "eu/eu-op1",
      "eu/eu-op2",
      "apac/apac-op1",
      "apac/apac-op2",
    ]);
    expect(plan.steps["staging-us"][0].id).to.equal("deploy-idle");
    expect(plan.steps.us[0].id).to.equal("verify");
    const printed = formatPlan(plan).split("\n");
    const at = (text: string) => printed.findIndex((line) => line.includes(text));
    expect(at("1. wave staging (wave 0, the staging stacks: the same 2.1.0")).to.be.above(0);
    expect(at("2. prestage: launch and warm every production Outpost's")).to.be.above(
      at("wave staging"),
    );
    expect(at("3. wave us")).to.be.above(at("2. prestage"));
    expect(printed).to.include(
      "     staging-us: deploy-idle > verify > flip > canary > test > bake",
    );
  });

  it("with only staging stacks selected, has wave 0 and no prestage", () => {
    const plan = buildPlan(
      input({ stacks: [staging("staging-us", ["a", "b"], "us")], prestage: true }),
    );
    expect(plan.waves.map((w) => w.name)).to.deep.equal(["staging"]);
    expect(plan.prestage).to.equal(undefined);
    expect(planDocument(plan).waves[0].staging).to.equal(true);
  });

  it("shows the artifacts every wave deploys, wave 0 included", () => {
    const artifacts = releaseArtifacts("2.1.0", {
      "staging-us": { imageRepository: "acct.dkr.ecr/storefront", amiNamePrefix: "storefront-app" },
      us: { imageRepository: "acct.dkr.ecr/storefront", amiNamePrefix: "storefront-app" },
    });
    const plan = buildPlan(input({ stacks: fleet(), artifacts }));
    expect(planDocument(plan).artifacts).to.deep.equal({
      image: "acct.dkr.ecr/storefront:2.1.0",
      amiName: "storefront-app-2.1.0",
    });
    expect(formatPlan(plan)).to.contain(
      "  artifacts: image acct.dkr.ecr/storefront:2.1.0 (immutable tag: one digest), " +
        "AMI storefront-app-2.1.0 (its copy in each Region), the same in every wave",
    );
  });

  it("refuses stacks that would deploy another image or AMI than the rest", () => {
    expect(() =>
      releaseArtifacts("2.1.0", {
        "staging-us": { imageRepository: "acct.dkr.ecr/storefront", amiNamePrefix: "app" },
        us: { imageRepository: "acct.dkr.ecr/other", amiNamePrefix: "app" },
      }),
    )
      .to.throw(UserError)
      .with.property("message")
      .that.contains("staging-us: image acct.dkr.ecr/storefront:2.1.0, AMI app-2.1.0")
      .and.contains("us: image acct.dkr.ecr/other:2.1.0, AMI app-2.1.0");
  });
});
