/**
 * The CI files a platform team copies: the GitHub workflow checked by actionlint (go-installed
 * by `npm run toolchain`) and by what it must do; the CodeBuild buildspec checked against a
 * schema of AWS's buildspec reference and by the commands it runs.
 */
import Ajv from "ajv";
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { PROJECT_ROOT, TOOLS_BIN_DIR } from "../../automation/engine/pulumi-environment";

const WORKFLOW = path.join(PROJECT_ROOT, ".github", "workflows", "release.yml");
const BUILDSPEC = path.join(PROJECT_ROOT, "buildspec.yml");
const ACTIONLINT = path.join(TOOLS_BIN_DIR, "actionlint");

function actionlint(file: string) {
  if (!fs.existsSync(ACTIONLINT)) {
    throw new Error(`${ACTIONLINT} is missing: run npm run toolchain (it go-installs actionlint)`);
  }
  return spawnSync(ACTIONLINT, ["-no-color", file], { encoding: "utf8" });
}

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  steps: Step[];
}

describe("CI files", () => {
  describe(".github/workflows/release.yml", () => {
    const workflow = parse(fs.readFileSync(WORKFLOW, "utf8")) as {
      on: Record<string, { inputs?: Record<string, { type: string }>; tags?: string[] }>;
      concurrency: { group: string; "cancel-in-progress": boolean };
      env: Record<string, string>;
      jobs: Record<string, Job>;
    };

    it("passes actionlint, which does catch a broken workflow", () => {
      const ok = actionlint(WORKFLOW);
      expect(ok.status, ok.stdout + ok.stderr).to.equal(0);
      const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "wf-")), "broken.yml");
      fs.writeFileSync(
        broken,
        fs.readFileSync(WORKFLOW, "utf8").replace("${{ inputs.resume }}", "${{ inputs.resum }}"),
      );
      const bad = actionlint(broken);
      expect(bad.status).to.not.equal(0);
      expect(bad.stdout).to.match(/property "resum" is not defined/);
    });

    it("plans on pull requests, deploys on tags or dispatch behind an environment, with OIDC", () => {
      expect(Object.keys(workflow.on).sort()).to.deep.equal([
        "pull_request",
        "push",
        "workflow_dispatch",
      ]);
      expect(workflow.on.push.tags).to.deep.equal(["v*.*.*"]);
      expect(workflow.on.workflow_dispatch.inputs).to.have.keys("release", "resume");
      expect(workflow.on.workflow_dispatch.inputs?.resume.type).to.equal("boolean");
      expect(workflow.concurrency).to.deep.equal({
        group: "outpost-fleet-release",
        "cancel-in-progress": false,
      });
      expect(workflow.env.PULUMI_BACKEND_URL).to.equal("${{ vars.PULUMI_BACKEND_URL }}");

      const { plan, deploy } = workflow.jobs;
      expect(plan.if).to.equal("github.event_name == 'pull_request'");
      expect(plan.steps.map((s) => s.run ?? "").join("\n")).to.match(
        /npx outpost-fleet plan --release/,
      );
      expect(plan.steps.some((s) => s.uses?.startsWith("aws-actions/"))).to.equal(false);

      expect(deploy.environment).to.equal("production");
      expect(deploy.permissions).to.deep.equal({ contents: "read", "id-token": "write" });
      const aws = deploy.steps.find((s) =>
        s.uses?.startsWith("aws-actions/configure-aws-credentials@"),
      );
      expect(aws?.with).to.include({
        "role-to-assume": "${{ vars.OUTPOST_FLEET_DEPLOY_ROLE_ARN }}",
      });
      const pulumi = deploy.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
      expect(pulumi?.with).to.deep.equal({ "pulumi-version": "3.248.0" });
      const runs = deploy.steps.filter((s) => s.run?.includes("outpost-fleet "));
      expect(runs.map((s) => [s.if, s.run])).to.deep.equal([
        ["${{ !inputs.resume }}", 'npx outpost-fleet deploy --release "$RELEASE" --json'],
        ["${{ inputs.resume }}", 'npx outpost-fleet resume --release "$RELEASE" --json'],
        ["${{ always() }}", 'npx outpost-fleet status --release "$RELEASE"'],
      ]);
    });
  });

  describe("buildspec.yml", () => {
    const schema = JSON.parse(
      fs.readFileSync(path.join(__dirname, "support", "buildspec.schema.json"), "utf8"),
    ) as object;
    const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(
      schema,
    );
    const buildspec = parse(fs.readFileSync(BUILDSPEC, "utf8")) as {
      env: { variables: Record<string, string>; "parameter-store": Record<string, string> };
      phases: Record<string, { commands: string[]; "runtime-versions"?: Record<string, unknown> }>;
    };

    it("is a valid buildspec, and the schema refuses a broken one", () => {
      expect(validate(buildspec), JSON.stringify(validate.errors)).to.equal(true);
      const broken = {
        ...buildspec,
        phases: { ...buildspec.phases, biuld: buildspec.phases.build },
      };
      expect(validate(broken)).to.equal(false);
      expect(validate({ ...buildspec, version: 0.3 })).to.equal(false);
    });

    it("runs plan, deploy or resume with the pinned CLI, the backend from Parameter Store", () => {
      expect(buildspec.phases.install["runtime-versions"]).to.deep.equal({ nodejs: 20 });
      expect(buildspec.env.variables.PULUMI_VERSION).to.equal("3.248.0");
      expect(buildspec.env["parameter-store"]).to.have.key("PULUMI_BACKEND_URL");
      const build = buildspec.phases.build.commands.join("\n");
      expect(build).to.contain(
        'plan) npx outpost-fleet plan --release "$RELEASE" "${stacks[@]}" ;;',
      );
      expect(build).to.contain(
        'deploy) npx outpost-fleet deploy --release "$RELEASE" "${stacks[@]}" --json ;;',
      );
      expect(build).to.contain('resume) npx outpost-fleet resume --release "$RELEASE" --json ;;');
      // The case statement itself is valid bash and refuses an unknown command.
      const script = buildspec.phases.build.commands.at(-1)!;
      const run = (command: string, stacks = "") =>
        spawnSync("bash", ["-c", script.replace(/npx outpost-fleet/g, "echo would run")], {
          env: {
            ...process.env,
            OUTPOST_FLEET_COMMAND: command,
            RELEASE: "2.1.0",
            OUTPOST_FLEET_STACKS: stacks,
          },
          encoding: "utf8",
        });
      expect(run("deploy").stdout.trim()).to.equal("would run deploy --release 2.1.0 --json");
      // The control plane's pipeline picks the stacks (docs/pipeline.md).
      expect(run("deploy", "staging-us,staging-eu").stdout.trim()).to.equal(
        "would run deploy --release 2.1.0 --stacks staging-us,staging-eu --json",
      );
      expect(run("destroy").status).to.equal(2);
    });
  });
});
