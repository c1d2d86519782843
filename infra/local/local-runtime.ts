import * as path from "node:path";
import { PROJECT_ROOT } from "../config";
import { findOnPath, isExecutable } from "../host";

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

export function findExecutable(name: string, searchPath: string | undefined): string | undefined {
  return findOnPath(name, searchPath, EXTRA_BIN_DIRS);
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
