import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../config";

/** Where the local target's processes live and what they run. */
export interface LocalRuntime {
  /** Absolute folder for pid, port, config and log files of this stack's processes. */
  readonly runDir: string;
  /** Absolute path of the app's compile-free launcher. */
  readonly appEntry: string;
  /** HAProxy executable. */
  readonly haproxyBin: string;
}

export interface LocalRuntimeOptions {
  /** Default: the repository root. */
  readonly projectRoot?: string;
  /** Stack name, used for the default run dir only. */
  readonly stack: string;
  /** Default: `$OUTPOST_FLEET_RUN_DIR`, else `<projectRoot>/.pulumi-local/run/<stack>`. */
  readonly runDir?: string;
  /** Default: `$OUTPOST_FLEET_HAPROXY`, else `haproxy` on PATH or in the usual sbin folders. */
  readonly haproxyBin?: string;
}

/** Folders searched for haproxy besides PATH: Debian installs it to /usr/sbin. */
const EXTRA_BIN_DIRS = ["/usr/sbin", "/usr/local/sbin", "/usr/local/bin", "/opt/homebrew/bin"];

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function findExecutable(name: string, searchPath: string | undefined): string | undefined {
  const dirs = [...(searchPath ?? "").split(path.delimiter).filter(Boolean), ...EXTRA_BIN_DIRS];
  return dirs.map((dir) => path.join(dir, name)).find(isExecutable);
}

/** Resolves the runtime, failing early and clearly when HAProxy is missing. */
export function resolveLocalRuntime(
  options: LocalRuntimeOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): LocalRuntime {
  const projectRoot = options.projectRoot ?? PROJECT_ROOT;
  const explicit = options.haproxyBin ?? env.OUTPOST_FLEET_HAPROXY;
  const haproxyBin = explicit ?? findExecutable("haproxy", env.PATH);
  if (haproxyBin === undefined || !isExecutable(haproxyBin)) {
    const where = explicit
      ? `OUTPOST_FLEET_HAPROXY = "${explicit}" is not an executable file`
      : `haproxy was found neither on PATH nor in ${EXTRA_BIN_DIRS.join(", ")}`;
    throw new Error(
      `The local target runs HAProxy as each Outpost's load balancer, but ${where}. ` +
        `Install it (Debian/Ubuntu: apt-get install haproxy; macOS: brew install haproxy) or set ` +
        `OUTPOST_FLEET_HAPROXY to its path.`,
    );
  }
  return {
    runDir: path.resolve(
      options.runDir ??
        env.OUTPOST_FLEET_RUN_DIR ??
        path.join(projectRoot, ".pulumi-local", "run", options.stack),
    ),
    appEntry: path.join(projectRoot, "app", "launch.js"),
    haproxyBin: path.resolve(haproxyBin),
  };
}
