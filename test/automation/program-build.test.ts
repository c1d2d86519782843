/**
 * The engine's program build cache (automation/engine/program-build.ts), the generated project
 * that runs it (engine-program.ts) and the file backend's state reader (file-backend-state.ts),
 * on small source trees in a temporary folder. No engine needed.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { parse } from "yaml";
import { engineProgram, requestedProgramMode } from "../../automation/engine/engine-program";
import { readFileBackendState, stackOutputsOf } from "../../automation/engine/file-backend-state";
import {
  buildProgram,
  programSources,
  touch,
  UNUSED_BUILD_MS,
} from "../../automation/engine/program-build";
import { PROJECT_ROOT } from "../../automation/engine/pulumi-environment";

function write(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
}

/** A source root shaped like the repository: infra/index.ts reaching a few modules. */
function sourceTree(dir: string): string {
  write(dir, {
    "tsconfig.json": JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "nodenext",
        strict: true,
        esModuleInterop: true,
      },
    }),
    "infra/index.ts": [
      'import { greeting } from "./lib/greet";',
      'import { limit } from "../app/settings";',
      'const lazy = require("./lazy") as typeof import("./lazy");',
      "export = { greeting: greeting(), limit, lazy: lazy.value };",
      "",
    ].join("\n"),
    "infra/lib/greet.ts": 'export const greeting = (): string => "hello";\n',
    "infra/lazy.ts": "export const value: number = 1;\n",
    "infra/unused.ts": "export const never = 0;\n",
    "app/settings.ts": "export const limit = 10 as const;\n",
  });
  return dir;
}

/** Loads a build's entry in a fresh node process (not this one's module cache). */
function runBuild(dir: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["-e", "console.log(JSON.stringify(require(process.argv[1])))", dir],
      (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout))),
    );
  });
}

describe("engine: the program build cache", function () {
  this.timeout(120_000);
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-program-build-"));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it("compiles what infra/index.ts reaches, and reuses the build while nothing changed", async () => {
    const root = sourceTree(path.join(work, "src"));
    const cacheDir = path.join(work, "cache");
    expect(programSources(root)).to.deep.equal([
      "app/settings.ts",
      "infra/index.ts",
      "infra/lazy.ts",
      "infra/lib/greet.ts",
    ]);
    const first = buildProgram({ sourceRoot: root, cacheDir });
    expect(first.reused).to.equal(false);
    expect(first.dir).to.equal(path.join(cacheDir, first.hash));
    expect(await runBuild(first.dir)).to.deep.equal({ greeting: "hello", limit: 10, lazy: 1 });
    expect(fs.existsSync(path.join(first.dir, "infra", "unused.js"))).to.equal(false);
    const marker = path.join(first.dir, "infra", "index.js");
    const builtAt = fs.statSync(marker).mtimeMs;

    const again = buildProgram({ sourceRoot: root, cacheDir });
    expect(again).to.deep.include({ dir: first.dir, hash: first.hash, reused: true });
    expect(fs.statSync(marker).mtimeMs).to.equal(builtAt);
    // A file the program does not reach changes nothing.
    write(root, { "infra/unused.ts": "export const never = 1;\n" });
    expect(buildProgram({ sourceRoot: root, cacheDir }).hash).to.equal(first.hash);
    expect(fs.readdirSync(cacheDir)).to.deep.equal([first.hash]);
  });

  it("rebuilds into a new folder when a source it reaches or tsconfig.json changes", async () => {
    const root = sourceTree(path.join(work, "src"));
    const cacheDir = path.join(work, "cache");
    const first = buildProgram({ sourceRoot: root, cacheDir });
    write(root, { "infra/lib/greet.ts": 'export const greeting = (): string => "bonjour";\n' });
    const changed = buildProgram({ sourceRoot: root, cacheDir });
    expect(changed.reused).to.equal(false);
    expect(changed.hash).to.not.equal(first.hash);
    expect(await runBuild(changed.dir)).to.deep.include({ greeting: "bonjour" });
    expect(await runBuild(first.dir), "the old build is left whole").to.deep.include({
      greeting: "hello",
    });

    // A new module reached only through a new import is part of the next build.
    write(root, {
      "infra/lib/greet.ts":
        'import { name } from "./name";\nexport const greeting = (): string => `hi ${name}`;\n',
      "infra/lib/name.ts": 'export const name = "fleet";\n',
    });
    const imported = buildProgram({ sourceRoot: root, cacheDir });
    expect(imported.files).to.include("infra/lib/name.ts");
    expect(await runBuild(imported.dir)).to.deep.include({ greeting: "hi fleet" });

    const tsconfig = JSON.parse(fs.readFileSync(path.join(root, "tsconfig.json"), "utf8")) as {
      compilerOptions: Record<string, unknown>;
    };
    tsconfig.compilerOptions.target = "ES2020";
    write(root, { "tsconfig.json": JSON.stringify(tsconfig) });
    expect(buildProgram({ sourceRoot: root, cacheDir }).hash).to.not.equal(imported.hash);
  });

  it("is safe with several builders at once: one builds, the others use its whole build", async () => {
    const root = sourceTree(path.join(work, "src"));
    // Enough files that the builders overlap.
    for (let i = 0; i < 60; i++) {
      write(root, { [`infra/many/m${i}.ts`]: `export const m${i}: number = ${i};\n` });
    }
    write(root, {
      "infra/lazy.ts": [
        ...Array.from({ length: 60 }, (_, i) => `import { m${i} } from "./many/m${i}";`),
        `export const value: number = ${Array.from({ length: 60 }, (_, i) => `m${i}`).join(" + ")};`,
        "",
      ].join("\n"),
    });
    const cacheDir = path.join(work, "cache");
    const builder = [
      `require(${JSON.stringify(require.resolve("ts-node/register/transpile-only"))});`,
      `const { buildProgram } = require(${JSON.stringify(path.join(PROJECT_ROOT, "automation/engine/program-build.ts"))});`,
      "const b = buildProgram({ sourceRoot: process.argv[1], cacheDir: process.argv[2] });",
      "console.log(JSON.stringify({ dir: b.dir, reused: b.reused }));",
    ].join("\n");
    const results = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<{ dir: string; reused: boolean }>((resolve, reject) =>
            execFile(
              process.execPath,
              ["-e", builder, root, cacheDir],
              {
                env: { ...process.env, TS_NODE_PROJECT: path.join(PROJECT_ROOT, "tsconfig.json") },
              },
              (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout))),
            ),
          ),
      ),
    );
    const dirs = new Set(results.map((r) => r.dir));
    expect(dirs.size).to.equal(1);
    expect(
      results.filter((r) => !r.reused),
      "exactly one builder's copy was kept",
    ).to.have.length(1);
    const [dir] = dirs;
    // Nothing half-written is left, and the build is whole.
    expect(fs.readdirSync(cacheDir)).to.deep.equal([path.basename(dir)]);
    expect(await runBuild(dir)).to.deep.equal({ greeting: "hello", limit: 10, lazy: 1770 });
  });

  it("drops its own copy when another builder renamed the same build into place first", async () => {
    const root = sourceTree(path.join(work, "src"));
    const cacheDir = path.join(work, "cache");
    let winner: ReturnType<typeof buildProgram> | undefined;
    const loser = buildProgram({
      sourceRoot: root,
      cacheDir,
      // Between this builder's last write and its rename, another one finishes.
      beforeRename: (temp) => {
        expect(fs.existsSync(path.join(temp, "package.json"))).to.equal(true);
        winner = buildProgram({ sourceRoot: root, cacheDir });
      },
    });
    expect(winner?.reused).to.equal(false);
    expect(loser).to.deep.include({ dir: winner?.dir, reused: true });
    expect(fs.readdirSync(cacheDir)).to.deep.equal([loser.hash]);
    expect(await runBuild(loser.dir)).to.deep.equal({ greeting: "hello", limit: 10, lazy: 1 });
  });

  it("a fresh build removes the builds and generated projects nobody used for a week", () => {
    const root = sourceTree(path.join(work, "src"));
    const cacheDir = path.join(work, "cache");
    const old = new Date(Date.now() - UNUSED_BUILD_MS - 60_000);
    const stale = path.join(cacheDir, "0123456789abcdef0123");
    const recent = path.join(cacheDir, "fedcba9876543210fedc");
    const staleProject = path.join(cacheDir, "projects", "0011223344556677");
    for (const dir of [stale, recent, staleProject]) {
      write(dir, { "package.json": "{}\n" });
      fs.utimesSync(dir, old, old);
    }
    touch(recent);
    const build = buildProgram({ sourceRoot: root, cacheDir });
    expect(fs.readdirSync(cacheDir).sort()).to.deep.equal(
      [build.hash, path.basename(recent), "projects"].sort(),
    );
    expect(fs.readdirSync(path.join(cacheDir, "projects"))).to.deep.equal([]);
  });

  it("refuses an import it cannot resolve, naming it", () => {
    const root = sourceTree(path.join(work, "src"));
    write(root, { "infra/lazy.ts": 'export { gone } from "./missing";\n' });
    expect(() => buildProgram({ sourceRoot: root, cacheDir: path.join(work, "cache") })).to.throw(
      /infra\/lazy\.ts: cannot resolve "\.\/missing"/,
    );
  });
});

describe("engine: the program a project runs with", function () {
  this.timeout(60_000);
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-engine-program-"));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it("runs this repository's program compiled, through a project whose stack files stay the project's", () => {
    const root = sourceTree(path.join(work, "src"));
    write(root, {
      "Pulumi.yaml":
        "name: fleet\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nconfig:\n  target: { type: string, default: aws }\n",
    });
    const project = path.join(work, "scratch");
    write(project, {
      "Pulumi.yaml": `${fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")}main: ../src\n`,
    });
    const program = engineProgram(project, root, "compiled");
    expect(program.mode).to.equal("compiled");
    expect(program.projectName).to.equal("fleet");
    expect(program.env).to.deep.equal({ OUTPOST_FLEET_SOURCE_ROOT: root });
    const generated = parse(
      fs.readFileSync(path.join(program.projectDir, "Pulumi.yaml"), "utf8"),
    ) as Record<string, unknown>;
    expect(generated.runtime).to.deep.equal({ name: "nodejs", options: { typescript: false } });
    expect(path.resolve(program.projectDir, generated.main as string)).to.equal(program.buildDir);
    expect(path.resolve(program.projectDir, generated.stackConfigDir as string)).to.equal(project);
    expect(generated.config).to.deep.equal({ target: { type: "string", default: "aws" } });
    // The same project again: the same generated folder.
    expect(engineProgram(project, root, "compiled").projectDir).to.equal(program.projectDir);

    // The repository root itself is such a project too.
    expect(engineProgram(root, root, "compiled").mode).to.equal("compiled");
  });

  it("runs the source with OUTPOST_FLEET_ENGINE_PROGRAM=source, and any other program as it is", () => {
    const root = sourceTree(path.join(work, "src"));
    write(root, { "Pulumi.yaml": "name: fleet\nruntime: nodejs\n" });
    expect(requestedProgramMode({ OUTPOST_FLEET_ENGINE_PROGRAM: "source" })).to.equal("source");
    expect(requestedProgramMode({})).to.equal("compiled");
    expect(() => requestedProgramMode({ OUTPOST_FLEET_ENGINE_PROGRAM: "js" })).to.throw(
      /compiled \(the default\) or source/,
    );
    expect(engineProgram(root, root, "source")).to.deep.equal({
      mode: "source",
      projectDir: root,
      projectName: "fleet",
      env: {},
    });
    const fixture = path.join(work, "fixture");
    write(fixture, { "Pulumi.yaml": "name: fleet-fixture\nruntime: nodejs\n", "index.ts": "" });
    expect(engineProgram(fixture, root, "compiled")).to.deep.include({
      mode: "source",
      projectDir: fixture,
    });
  });
});

describe("engine: a file backend's state, read without the CLI", () => {
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-file-state-"));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  const checkpoint = (outputs: Record<string, unknown>) =>
    JSON.stringify({
      version: 3,
      checkpoint: {
        stack: "organization/fleet/us",
        latest: {
          manifest: {},
          resources: [
            {
              urn: "urn:pulumi:us::fleet::pulumi:pulumi:Stack::fleet-us",
              type: "pulumi:pulumi:Stack",
              outputs,
            },
          ],
          pending_operations: [{ resource: { urn: "urn:x" }, type: "creating" }],
        },
      },
    });

  it("gives what stack export gives, from <root>/.pulumi/stacks/<project>/<stack>.json or .json.gz", () => {
    const stacks = path.join(work, ".pulumi", "stacks", "fleet");
    fs.mkdirSync(stacks, { recursive: true });
    fs.writeFileSync(path.join(stacks, "us.json"), checkpoint({ release: "2.1.0" }));
    const state = readFileBackendState(`file://${work}`, "fleet", "us");
    expect(state?.version).to.equal(3);
    expect(state?.deployment.pending_operations).to.have.length(1);
    expect(stackOutputsOf(state!, ["release", "target"])).to.deep.equal({
      release: { value: "2.1.0", secret: false },
    });
    fs.rmSync(path.join(stacks, "us.json"));
    fs.writeFileSync(path.join(stacks, "us.json.gz"), gzipSync(checkpoint({ release: "2.2.0" })));
    const zipped = readFileBackendState(`file://${work}`, "fleet", "us");
    expect(stackOutputsOf(zipped!, ["release"])?.release.value).to.equal("2.2.0");
  });

  it("leaves other backends, missing stacks and secret outputs to the CLI", () => {
    const stacks = path.join(work, ".pulumi", "stacks", "fleet");
    fs.mkdirSync(stacks, { recursive: true });
    const secret = {
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      ciphertext: "x",
    };
    fs.writeFileSync(
      path.join(stacks, "us.json"),
      checkpoint({ release: "2.1.0", kubeconfigs: secret }),
    );
    expect(readFileBackendState("s3://bucket/prefix", "fleet", "us")).to.equal(undefined);
    expect(readFileBackendState(`file://${work}`, "fleet", "eu")).to.equal(undefined);
    expect(readFileBackendState(`file://${work}`, "fleet", "org/fleet/us")).to.equal(undefined);
    const state = readFileBackendState(`file://${work}`, "fleet", "us")!;
    expect(stackOutputsOf(state, ["release", "kubeconfigs"])).to.equal(undefined);
    expect(stackOutputsOf(state, ["release"])).to.deep.equal({
      release: { value: "2.1.0", secret: false },
    });
  });
});
