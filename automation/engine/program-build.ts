/**
 * The Pulumi program compiled once into plain JavaScript, so that an engine run does not load
 * ts-node and transpile the ~130 modules of infra/ again: `.outpost-fleet/program/<hash>/`, where
 * the hash covers every source file the program reaches (from infra/index.ts, following its
 * relative imports and requires), tsconfig.json and the TypeScript version. A changed source
 * gives a new hash and so a new build; an unchanged one reuses the folder.
 *
 * Each file is transpiled alone (ts.transpileModule), as ts-node does in transpile-only mode
 * (PULUMI_NODEJS_TRANSPILE_ONLY, which the engine sets): the same JavaScript, no type check
 * (that is CI's job, `npm run typecheck`). Builders never see each other's half-written files:
 * each writes into a temporary folder beside the cache and renames it into place; a builder
 * that loses the race drops its copy and uses the winner's, which is the same.
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

/** A build or generated project nobody used for this long is removed by the next fresh build. */
export const UNUSED_BUILD_MS = 7 * 24 * 3600 * 1000;

/** Bump when the layout of a build changes, so older builds are not reused. */
const BUILD_FORMAT = 1;

/** The file the build's package.json names as its `main`, relative to the build. */
const ENTRY = path.join("infra", "index.ts");

export interface ProgramBuild {
  /** The build folder: `<cacheDir>/<hash>`, holding package.json and infra/**.js. */
  readonly dir: string;
  readonly hash: string;
  /** False when this call compiled it, true when an earlier build was reused. */
  readonly reused: boolean;
  /** Source files compiled (relative to the source root). */
  readonly files: readonly string[];
}

export interface ProgramBuildOptions {
  /** The repository root holding infra/index.ts and tsconfig.json. */
  readonly sourceRoot: string;
  /** Default: `<sourceRoot>/.outpost-fleet/program`. */
  readonly cacheDir?: string;
  /** Called with the whole temporary build just before its rename (tests: a race lost). */
  readonly beforeRename?: (temp: string) => void;
}

/** The default cache folder of a source root. */
export function programCacheDir(sourceRoot: string): string {
  return path.join(sourceRoot, ".outpost-fleet", "program");
}

/** Compiles the program unless a build of the same sources exists; returns its folder. */
export function buildProgram(options: ProgramBuildOptions): ProgramBuild {
  const root = path.resolve(options.sourceRoot);
  const cacheDir = path.resolve(options.cacheDir ?? programCacheDir(root));
  const files = programSources(root);
  const compilerOptions = transpileOptions(root);
  const hash = buildHash(root, files, compilerOptions);
  const dir = path.join(cacheDir, hash);
  if (isComplete(dir)) {
    touch(dir);
    return { dir, hash, reused: true, files };
  }

  fs.mkdirSync(cacheDir, { recursive: true });
  const temp = path.join(cacheDir, `.tmp-${hash}-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    for (const file of files) {
      const source = fs.readFileSync(path.join(root, file), "utf8");
      const out = path.join(temp, file.replace(/\.ts$/, ".js"));
      fs.mkdirSync(path.dirname(out), { recursive: true });
      if (!file.endsWith(".ts")) {
        fs.writeFileSync(out, source);
        continue;
      }
      const { outputText } = ts.transpileModule(source, {
        compilerOptions,
        fileName: path.join(root, file),
        reportDiagnostics: false,
      });
      fs.writeFileSync(out, outputText);
    }
    // The packages of the source root, wherever the cache lives.
    fs.symlinkSync(path.join(root, "node_modules"), path.join(temp, "node_modules"), "dir");
    // Written last: a build folder with it is whole (isComplete).
    fs.writeFileSync(
      path.join(temp, "package.json"),
      `${JSON.stringify(
        {
          name: "outpost-fleet-program",
          private: true,
          description: `outpost-fleet's Pulumi program compiled from ${root} (automation/engine/program-build.ts)`,
          main: ENTRY.replace(/\.ts$/, ".js"),
        },
        null,
        2,
      )}\n`,
    );
    options.beforeRename?.(temp);
    try {
      fs.renameSync(temp, dir);
    } catch (err) {
      // Another builder renamed the same build into place first: theirs is ours.
      if (!isComplete(dir)) throw err;
      return { dir, hash, reused: true, files };
    }
    pruneUnused(cacheDir, dir);
    return { dir, hash, reused: false, files };
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

/** Marks a build (or a generated project) as used now. */
export function touch(file: string): void {
  const now = new Date();
  try {
    fs.utimesSync(file, now, now);
  } catch {
    // removed meanwhile: the caller's next use rebuilds it
  }
}

/**
 * Removes the builds and generated projects (`projects/<key>`) of the cache that nobody used
 * for {@link UNUSED_BUILD_MS}: every source change leaves one behind. Never `keep`, never a
 * builder's temporary folder.
 */
function pruneUnused(cacheDir: string, keep: string): void {
  const cutoff = Date.now() - UNUSED_BUILD_MS;
  const projects = path.join(cacheDir, "projects");
  const candidates = [
    ...entries(cacheDir)
      .filter((name) => /^[0-9a-f]{20}$/.test(name))
      .map((name) => path.join(cacheDir, name)),
    ...entries(projects).map((name) => path.join(projects, name)),
  ];
  for (const candidate of candidates) {
    if (candidate === keep) continue;
    const stat = fs.statSync(candidate, { throwIfNoEntry: false });
    if (stat !== undefined && stat.mtimeMs < cutoff)
      fs.rmSync(candidate, { recursive: true, force: true });
  }
}

function entries(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function isComplete(dir: string): boolean {
  return fs.existsSync(path.join(dir, "package.json"));
}

/**
 * The program's own files, relative to the root: infra/index.ts and everything it reaches
 * through relative imports, `require`s and re-exports (ts.preProcessFile), sorted. Packages
 * (node_modules) are not followed: the build resolves them from the root's node_modules.
 */
export function programSources(root: string): string[] {
  const seen = new Set<string>();
  const queue = [ENTRY];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith(".ts")) continue;
    const text = fs.readFileSync(path.join(root, file), "utf8");
    const { importedFiles } = ts.preProcessFile(text, true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith("./") && !fileName.startsWith("../")) continue;
      const resolved = resolveRelative(root, path.dirname(file), fileName);
      if (resolved === undefined) {
        throw new Error(`${file}: cannot resolve "${fileName}" for the program build`);
      }
      queue.push(resolved);
    }
  }
  return [...seen].sort();
}

function resolveRelative(root: string, fromDir: string, specifier: string): string | undefined {
  const base = path.normalize(path.join(fromDir, specifier));
  const stripped = base.replace(/\.js$/, "");
  const candidates = [
    `${stripped}.ts`,
    path.join(stripped, "index.ts"),
    ...(/\.(js|json)$/.test(base) ? [base] : []),
  ];
  const found = candidates.find((candidate) =>
    fs.statSync(path.join(root, candidate), { throwIfNoEntry: false })?.isFile(),
  );
  if (found !== undefined && found.startsWith("..")) {
    throw new Error(`"${specifier}" from ${fromDir} leaves the source root ${root}`);
  }
  return found;
}

/**
 * tsconfig.json's compiler options as ts-node applies them to the program, emitting CommonJS
 * (the repository's package.json has no `"type": "module"`, so nodenext emits CommonJS too).
 */
function transpileOptions(root: string): ts.CompilerOptions {
  const configFile = path.join(root, "tsconfig.json");
  const read = ts.readConfigFile(configFile, (file) => ts.sys.readFile(file));
  if (read.error) {
    throw new Error(
      `${configFile}: ${ts.flattenDiagnosticMessageText(read.error.messageText, "\n")}`,
    );
  }
  const compilerOptions = (read.config as { compilerOptions?: unknown }).compilerOptions ?? {};
  const { options, errors } = ts.convertCompilerOptionsFromJson(compilerOptions, root, configFile);
  if (errors.length > 0) {
    throw new Error(
      `${configFile}: ${ts.flattenDiagnosticMessageText(errors[0].messageText, "\n")}`,
    );
  }
  return {
    ...options,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    sourceMap: false,
    inlineSourceMap: false,
    declaration: false,
    declarationMap: false,
    noEmit: false,
    outDir: undefined,
  };
}

function buildHash(root: string, files: readonly string[], options: ts.CompilerOptions): string {
  const hash = createHash("sha256");
  hash.update(`format ${BUILD_FORMAT}\ntypescript ${ts.version}\n`);
  hash.update(JSON.stringify(options, Object.keys(options).sort()));
  hash.update(fs.readFileSync(path.join(root, "tsconfig.json")));
  for (const file of files) {
    hash.update(`\0${file}\0`);
    hash.update(fs.readFileSync(path.join(root, file)));
  }
  return hash.digest("hex").slice(0, 20);
}
