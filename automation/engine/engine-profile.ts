import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import type { Target } from "../fleet/fleet-stack";
import { UserError } from "../support/user-error";

/** Where a backend URL came from, in the order the driver looks. */
export type BackendSource =
  | "--backend-url"
  | "OUTPOST_FLEET_BACKEND_URL"
  | "PULUMI_BACKEND_URL"
  | "pulumi login";

/**
 * How the driver runs the engine. Exactly one, chosen explicitly:
 * - `local`: the stand-in for `target: local` stacks, the demo and the tests: a file backend
 *   under `.pulumi-local/state`, our own PULUMI_HOME and the local-only passphrase;
 * - `backend`: the user's own Pulumi backend (s3://, Pulumi Cloud, ...), with their
 *   PULUMI_HOME, plugins and secrets provider untouched. The driver never invents a
 *   passphrase there.
 */
export type EngineProfile =
  | { readonly kind: "local"; readonly stateDir: string }
  | { readonly kind: "backend"; readonly backendUrl: string; readonly source: BackendSource };

export interface ProfileInputs {
  /** `--backend-url`. */
  readonly backendUrl?: string;
  /** `--state-dir`: the local profile's folder, named explicitly. */
  readonly stateDir?: string;
  /** The selected stacks: an `aws` stack never runs on the local profile. */
  readonly stacks: readonly { readonly name: string; readonly target: Target }[];
  readonly env: NodeJS.ProcessEnv;
  /** Default folder of the local profile (`<repo>/.pulumi-local/state`). */
  readonly defaultStateDir: string;
}

const BACKEND_SCHEMES = ["s3", "file", "gs", "azblob", "https", "http"];

/**
 * Picks the profile. An explicit backend (`--backend-url`, `OUTPOST_FLEET_BACKEND_URL`,
 * `PULUMI_BACKEND_URL`) wins for every stack, local-target ones included. Without one, the
 * local profile serves local-target stacks (or any stack with `--state-dir`, which an aws
 * stack refuses), and aws stacks use what `pulumi login` stored. Refusals are UserErrors
 * (exit 2) that name the stack and the fix.
 */
export function resolveEngineProfile(inputs: ProfileInputs): EngineProfile {
  const { env } = inputs;
  const explicit: [string | undefined, BackendSource][] = [
    [inputs.backendUrl, "--backend-url"],
    [env.OUTPOST_FLEET_BACKEND_URL, "OUTPOST_FLEET_BACKEND_URL"],
    [env.PULUMI_BACKEND_URL, "PULUMI_BACKEND_URL"],
  ];
  const chosen = explicit.find(([url]) => url !== undefined && url !== "");
  if (chosen) {
    const [url, source] = chosen as [string, BackendSource];
    if (inputs.stateDir !== undefined) {
      throw new UserError(
        `--state-dir = "${inputs.stateDir}" is the local profile's file backend, but ${source} = "${redactUrl(url)}" ` +
          `chooses your own backend: give one of them`,
      );
    }
    return { kind: "backend", backendUrl: validBackendUrl(url, source), source };
  }
  const aws = inputs.stacks.filter((stack) => stack.target === "aws");
  const stateDir = inputs.stateDir ?? env.OUTPOST_FLEET_STATE_DIR;
  if (aws.length === 0 || stateDir !== undefined) {
    if (aws.length > 0)
      throw awsOnLocalProfile(aws[0].name, "--state-dir/OUTPOST_FLEET_STATE_DIR is set");
    return { kind: "local", stateDir: path.resolve(stateDir ?? inputs.defaultStateDir) };
  }
  const login = loggedInBackend(env);
  if (login === undefined) throw awsOnLocalProfile(aws[0].name, "no backend is configured");
  return {
    kind: "backend",
    backendUrl: validBackendUrl(login, "pulumi login"),
    source: "pulumi login",
  };
}

function awsOnLocalProfile(stack: string, why: string): UserError {
  return new UserError(
    `stack ${stack} has target aws and cannot run on the local profile (a file backend in ` +
      `.pulumi-local/state with a local-only passphrase; ${why}). Point the driver at your own ` +
      `backend: --backend-url s3://<bucket>, PULUMI_BACKEND_URL, or pulumi login (or pick the ` +
      `local stacks with --target local)`,
  );
}

function validBackendUrl(url: string, source: BackendSource): string {
  const scheme = /^([a-z0-9]+):\/\//.exec(url)?.[1];
  if (scheme === undefined || !BACKEND_SCHEMES.includes(scheme)) {
    throw new UserError(
      `${source} = "${redactUrl(url)}": not a Pulumi backend URL; use s3://<bucket>[/prefix], ` +
        `file://<folder>, gs://, azblob:// or https://api.pulumi.com`,
    );
  }
  return url;
}

/** The backend `pulumi login` stored in `$PULUMI_HOME/credentials.json` (`current`). */
export function loggedInBackend(env: NodeJS.ProcessEnv): string | undefined {
  const home = env.PULUMI_HOME ?? path.join(env.HOME ?? os.homedir(), ".pulumi");
  try {
    const credentials = JSON.parse(
      fs.readFileSync(path.join(home, "credentials.json"), "utf8"),
    ) as { current?: unknown };
    return typeof credentials.current === "string" && credentials.current !== ""
      ? credentials.current
      : undefined;
  } catch {
    return undefined;
  }
}

/** A backend URL for messages: user info (if any) replaced, so nothing secret is printed. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z0-9]+:\/\/)[^/@]*@/, "$1***@");
}

/** One line for `status` and `plan`: "s3://bucket?... (from PULUMI_BACKEND_URL)". */
export function describeProfile(profile: EngineProfile): string {
  return profile.kind === "local"
    ? `local profile: file://${profile.stateDir}`
    : `${redactUrl(profile.backendUrl)} (from ${profile.source})`;
}

/**
 * Whether a stack's secrets provider needs a passphrase, from its Pulumi.<stack>.yaml:
 * `secretsprovider: passphrase`, or none at all on a self-managed backend (the default
 * there; a stack that has a passphrase salt uses one too). Pulumi Cloud's default is its own
 * service; `awskms://` and the other KMS providers need no passphrase.
 * https://www.pulumi.com/docs/iac/concepts/secrets/#available-encryption-providers
 */
export function needsPassphrase(stackFile: string, backendUrl: string): boolean {
  let raw: Record<string, unknown> = {};
  try {
    raw = (parse(fs.readFileSync(stackFile, "utf8")) as Record<string, unknown> | null) ?? {};
  } catch {
    return false; // the fleet reader reports unreadable stack files
  }
  const provider = raw.secretsprovider;
  if (typeof provider === "string" && provider !== "") return provider === "passphrase";
  if (typeof raw.encryptionsalt === "string") return true;
  return !/^https?:\/\//.test(backendUrl);
}

/**
 * Refuses (exit 2) a stack whose secrets provider needs a passphrase that the environment
 * does not give; the driver never makes one up on the backend profile.
 */
export function requirePassphrases(
  stacks: readonly { readonly name: string; readonly file: string }[],
  backendUrl: string,
  env: NodeJS.ProcessEnv,
): void {
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined || env.PULUMI_CONFIG_PASSPHRASE_FILE) return;
  const needing = stacks.filter((stack) => needsPassphrase(stack.file, backendUrl));
  if (needing.length > 0) {
    throw new UserError(
      `${needing.length === 1 ? "stack" : "stacks"} ${needing.map((s) => s.name).join(", ")} ` +
        `${needing.length === 1 ? "uses" : "use"} the passphrase secrets provider, and ` +
        `neither PULUMI_CONFIG_PASSPHRASE nor PULUMI_CONFIG_PASSPHRASE_FILE is set: set one (from ` +
        `your CI's secret store), or move the stack to a KMS provider (pulumi stack change-secrets-provider awskms://...)`,
    );
  }
}
