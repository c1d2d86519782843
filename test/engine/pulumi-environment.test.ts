import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import {
  LOCAL_ONLY_PASSPHRASE,
  TOOLS_BIN_DIR,
  findPulumiCli,
  pulumiCommand,
  pulumiEnvironment,
  requirePulumiCli,
} from "../../automation/engine/pulumi-environment";

describe("engine: pulumiEnvironment", () => {
  let dir: string;
  const saved = { ...process.env };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-env-"));
  });
  afterEach(() => {
    process.env = { ...saved };
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function fakeCli(folder: string, version = "v3.248.0"): string {
    fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, "pulumi");
    fs.writeFileSync(file, `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
    return file;
  }

  it("finds the CLI in .tools/bin before PATH, and on PATH otherwise", () => {
    const tools = path.join(dir, "tools");
    const onPath = fakeCli(path.join(dir, "elsewhere"));
    const env = { PATH: ["", path.dirname(onPath)].join(path.delimiter) };

    expect(findPulumiCli(env, tools)).to.equal(onPath);
    const inTools = fakeCli(tools);
    expect(findPulumiCli(env, tools)).to.equal(inTools);
  });

  it("returns undefined when there is no CLI, and names OUTPOST_FLEET_PULUMI when it is wrong", () => {
    expect(findPulumiCli({ PATH: "" }, path.join(dir, "none"))).to.equal(undefined);
    expect(() => findPulumiCli({ OUTPOST_FLEET_PULUMI: path.join(dir, "missing") })).to.throw(
      /OUTPOST_FLEET_PULUMI = ".*missing": no executable file there/,
    );
  });

  it("fails naming npm run toolchain when no CLI is found", () => {
    expect(() => requirePulumiCli({ PATH: "" }, path.join(dir, "none"))).to.throw(
      /No Pulumi CLI found .*Run npm run toolchain/,
    );
  });

  it("sets a file backend, PULUMI_HOME under it, offline switches and .tools/bin first on PATH", () => {
    const cli = fakeCli(path.join(dir, "cli"));
    process.env.OUTPOST_FLEET_PULUMI = cli;
    delete process.env.PULUMI_CONFIG_PASSPHRASE;
    delete process.env.PULUMI_CONFIG_PASSPHRASE_FILE;
    const stateDir = path.join(dir, "state");

    const environment = pulumiEnvironment({ stateDir });

    expect(environment.cliPath).to.equal(cli);
    expect(environment.backendUrl).to.equal(`file://${stateDir}`);
    expect(environment.pulumiHome.startsWith(stateDir + path.sep)).to.equal(true);
    expect(fs.statSync(environment.pulumiHome).isDirectory()).to.equal(true);
    expect(environment.env).to.include({
      PULUMI_BACKEND_URL: `file://${stateDir}`,
      PULUMI_HOME: environment.pulumiHome,
      PULUMI_CONFIG_PASSPHRASE: LOCAL_ONLY_PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    });
    expect(environment.env.PATH.split(path.delimiter).slice(0, 2)).to.deep.equal([
      TOOLS_BIN_DIR,
      path.dirname(cli),
    ]);
  });

  it("takes the state dir and passphrase from the environment, and the options over both", () => {
    process.env.OUTPOST_FLEET_PULUMI = fakeCli(path.join(dir, "cli"));
    process.env.OUTPOST_FLEET_STATE_DIR = path.join(dir, "from-env");
    process.env.PULUMI_CONFIG_PASSPHRASE = "from-env";

    const fromEnv = pulumiEnvironment();
    expect(fromEnv.backendUrl).to.equal(`file://${path.join(dir, "from-env")}`);
    expect(fromEnv.env.PULUMI_CONFIG_PASSPHRASE).to.equal("from-env");

    const fromOptions = pulumiEnvironment({ stateDir: path.join(dir, "opt"), passphrase: "opt" });
    expect(fromOptions.backendUrl).to.equal(`file://${path.join(dir, "opt")}`);
    expect(fromOptions.env.PULUMI_CONFIG_PASSPHRASE).to.equal("opt");
  });

  it("gives the Automation API a PulumiCommand for the CLI, refusing one older than the SDK", async () => {
    // Not in a bin/ folder, so pulumiCommand links it into a <root>/bin/pulumi layout.
    process.env.OUTPOST_FLEET_PULUMI = fakeCli(path.join(dir, "cli"));
    const environment = pulumiEnvironment({ stateDir: path.join(dir, "state") });

    const command = await pulumiCommand(environment);
    expect(command.command).to.equal(path.join(environment.pulumiHome, "cli", "bin", "pulumi"));
    expect(command.version?.version).to.equal("3.248.0");

    process.env.OUTPOST_FLEET_PULUMI = fakeCli(path.join(dir, "old"), "v3.200.0");
    const failure = await pulumiCommand(
      pulumiEnvironment({ stateDir: path.join(dir, "state") }),
    ).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(failure?.message).to.match(/Minimum version requirement failed.*3\.248\.0.*v3\.200\.0/);
  });
});
