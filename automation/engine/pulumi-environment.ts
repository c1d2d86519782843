/**
 * How outpost-fleet runs the real Pulumi engine on a machine without the internet: which CLI,
 * which state backend, which environment. The driver and the engine tests both start here.
 *
 * `npm run toolchain` (scripts/toolchain.sh) fills `.tools/bin` with the CLI, our own Node.js
 * language host and the dynamic-provider launcher; this module points the engine at them.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { SemVer } from "semver";
import { isExecutable } from "../../infra/host";
import { loggedInBackend } from "./engine-profile";

/** The repository root (this file lives in automation/engine/). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** Where `npm run toolchain` puts pulumi, pulumi-language-nodejs and the provider launcher. */
export const TOOLS_BIN_DIR = path.join(PROJECT_ROOT, ".tools", "bin");

/**
 * Passphrase of the local file backend when neither the caller nor `PULUMI_CONFIG_PASSPHRASE`
 * gives one. It protects nothing: it only exists because the passphrase secrets provider needs
 * a passphrase. Local state only; never use it for a stack that holds real secrets.
 */
export const LOCAL_ONLY_PASSPHRASE = "outpost-fleet-local-only-passphrase";

export interface PulumiEnvironment {
  /** `local`: our file backend and PULUMI_HOME; `backend`: the user's own (see engine-profile.ts). */
  profile: "local" | "backend";
  /**
   * `PULUMI_HOME`: the CLI's own state (workspace settings, plugin cache). Local profile: under
   * the state dir; backend profile: the user's own (`$PULUMI_HOME`, else `~/.pulumi`).
   */
  pulumiHome: string;
  /** The state backend: `file://<stateDir>` (local profile) or the user's backend URL. */
  backendUrl: string;
  /** Absolute path of the `pulumi` executable. */
  cliPath: string;
  /** `.tools/bin`, first on `PATH` so the engine finds our language host and launchers. */
  binDir: string;
  /** Variables for every engine call (Automation API `envVars`, or a child process's env). */
  env: Record<string, string>;
}

export interface PulumiEnvironmentOptions {
  /**
   * Folder of the file backend. Default: `$OUTPOST_FLEET_STATE_DIR`, else
   * `<projectRoot>/.pulumi-local/state`. Created when missing.
   */
  stateDir?: string;
  /** Secrets passphrase. Default: `$PULUMI_CONFIG_PASSPHRASE`, else {@link LOCAL_ONLY_PASSPHRASE}. */
  passphrase?: string;
}

/**
 * Finds the Pulumi CLI: `$OUTPOST_FLEET_PULUMI` (which must exist when set), else
 * `.tools/bin/pulumi`, else `pulumi` on `PATH`. Returns undefined when there is none.
 */
export function findPulumiCli(
  env: NodeJS.ProcessEnv = process.env,
  binDir: string = TOOLS_BIN_DIR,
): string | undefined {
  const explicit = env.OUTPOST_FLEET_PULUMI;
  if (explicit) {
    const resolved = path.resolve(explicit);
    if (!isExecutable(resolved)) {
      throw new Error(
        `OUTPOST_FLEET_PULUMI = "${explicit}": no executable file there; point it at a pulumi ` +
          `3.248 binary or unset it and run npm run toolchain`,
      );
    }
    return resolved;
  }
  const candidates = [
    path.join(binDir, "pulumi"),
    ...(env.PATH ?? "")
      .split(path.delimiter)
      .filter((dir) => dir !== "")
      .map((dir) => path.resolve(dir, "pulumi")),
  ];
  return candidates.find(isExecutable);
}

/** {@link findPulumiCli}, or an error that tells the user to run `npm run toolchain`. */
export function requirePulumiCli(
  env: NodeJS.ProcessEnv = process.env,
  binDir: string = TOOLS_BIN_DIR,
): string {
  const cliPath = findPulumiCli(env, binDir);
  if (cliPath === undefined) {
    throw new Error(
      `No Pulumi CLI found (looked at $OUTPOST_FLEET_PULUMI, ${path.join(binDir, "pulumi")} ` +
        `and PATH). Run npm run toolchain: it builds pulumi 3.248 and our language host into .tools/bin.`,
    );
  }
  return cliPath;
}

/**
 * The environment for running the engine offline against a local file backend. Throws when no
 * Pulumi CLI is found (run `npm run toolchain`). Creates the state and home folders.
 */
export function pulumiEnvironment(options: PulumiEnvironmentOptions = {}): PulumiEnvironment {
  const cliPath = requirePulumiCli();
  const stateDir = path.resolve(
    options.stateDir ??
      process.env.OUTPOST_FLEET_STATE_DIR ??
      path.join(PROJECT_ROOT, ".pulumi-local", "state"),
  );
  const pulumiHome = path.join(stateDir, "pulumi-home");
  fs.mkdirSync(pulumiHome, { recursive: true });
  const backendUrl = `file://${stateDir}`;

  const env: Record<string, string> = {
    PULUMI_BACKEND_URL: backendUrl,
    PULUMI_HOME: pulumiHome,
    // The engine must never reach for the internet: no update check, no plugin downloads.
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // Type checking is CI's job (npm run typecheck); in every engine call it costs seconds.
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    PATH: [TOOLS_BIN_DIR, path.dirname(cliPath), ...(process.env.PATH ?? "").split(path.delimiter)]
      .filter((dir, i, all) => dir !== "" && all.indexOf(dir) === i)
      .join(path.delimiter),
  };
  const passphrase = options.passphrase ?? process.env.PULUMI_CONFIG_PASSPHRASE;
  if (passphrase === undefined && process.env.PULUMI_CONFIG_PASSPHRASE_FILE) {
    env.PULUMI_CONFIG_PASSPHRASE_FILE = process.env.PULUMI_CONFIG_PASSPHRASE_FILE;
  } else {
    env.PULUMI_CONFIG_PASSPHRASE = passphrase ?? LOCAL_ONLY_PASSPHRASE;
  }
  return { profile: "local", pulumiHome, backendUrl, cliPath, binDir: TOOLS_BIN_DIR, env };
}

export interface BackendEnvironmentOptions {
  /** The user's backend. Undefined: the one `pulumi login` stored, which the CLI finds itself. */
  readonly backendUrl: string | undefined;
  /** The environment to run with (default process.env); passed on whole. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The environment for the user's own backend: their environment as it is (PULUMI_HOME,
 * plugins and plugin acquisition, secrets provider, passphrase, AWS credentials), plus
 * `PULUMI_BACKEND_URL` when the backend was named explicitly and our tools first on PATH (the
 * CLI finds its language host there). No passphrase is invented: a stack that needs one and
 * has none is refused before the engine runs (requirePassphrases in engine-profile.ts).
 */
export function backendEnvironment(options: BackendEnvironmentOptions): PulumiEnvironment {
  const source = options.env ?? process.env;
  const cliPath = requirePulumiCli(source);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) if (value !== undefined) env[key] = value;
  if (options.backendUrl !== undefined) env.PULUMI_BACKEND_URL = options.backendUrl;
  env.PATH = [TOOLS_BIN_DIR, path.dirname(cliPath), ...(source.PATH ?? "").split(path.delimiter)]
    .filter((dir, i, all) => dir !== "" && all.indexOf(dir) === i)
    .join(path.delimiter);
  const pulumiHome = source.PULUMI_HOME ?? path.join(source.HOME ?? os.homedir(), ".pulumi");
  return {
    profile: "backend",
    pulumiHome,
    backendUrl: options.backendUrl ?? loggedInBackend(source) ?? "",
    cliPath,
    binDir: TOOLS_BIN_DIR,
    env,
  };
}

/**
 * A `PulumiCommand` for the Automation API (`LocalWorkspace.create({ pulumiCommand, envVars })`)
 * that runs `environment.cliPath`, after checking that the CLI is at least the @pulumi/pulumi
 * version we pin (the engine protocol and our language host are built for it).
 */
export async function pulumiCommand(
  environment: PulumiEnvironment = pulumiEnvironment(),
): Promise<PulumiCommand> {
  return PulumiCommand.get({
    root: commandRoot(environment),
    version: new SemVer(pulumiSdkVersion()),
    skipVersionCheck: false,
  });
}

/** The version of @pulumi/pulumi in node_modules (the one package.json pins). */
export function pulumiSdkVersion(): string {
  const pkg = JSON.parse(
    fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8"),
  ) as { version: string };
  return pkg.version;
}

/**
 * `PulumiCommand.get` only accepts an install root and runs `<root>/bin/pulumi`. When the CLI
 * does not live in such a layout (e.g. `$OUTPOST_FLEET_PULUMI=/opt/pulumi-3.248`), link it into
 * one under PULUMI_HOME.
 */
function commandRoot(environment: PulumiEnvironment): string {
  const { cliPath } = environment;
  if (path.basename(cliPath) === "pulumi" && path.basename(path.dirname(cliPath)) === "bin") {
    return path.dirname(path.dirname(cliPath));
  }
  // Never inside the user's own PULUMI_HOME (backend profile): that one is theirs.
  const base =
    environment.profile === "local"
      ? environment.pulumiHome
      : path.join(os.tmpdir(), `outpost-fleet-${os.userInfo().uid}`);
  const root = path.join(base, "cli");
  const link = path.join(root, "bin", "pulumi");
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.rmSync(link, { force: true });
  fs.symlinkSync(cliPath, link);
  return root;
}
