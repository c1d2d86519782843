/**
 * A stack's state read straight from a file backend's checkpoint, instead of running
 * `pulumi stack export` or `pulumi stack output` (one CLI process each, 0.3 to 0.9 s) around
 * every step. Only for `file://` backends; every other backend goes through the CLI, and so
 * does a stack whose file is not where the file backend puts it (the caller falls back).
 *
 * The file backend keeps `<root>/.pulumi/stacks/<project>/<stack>.json` (or `.json.gz`; the
 * legacy layout without the project folder too): `{ version, checkpoint: { stack, latest } }`,
 * where `latest` is the deployment that `pulumi stack export` prints under `deployment`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";

/** What `stack export` prints: `{ version, deployment }` (apitype.UntypedDeployment). */
export interface ExportedState {
  readonly version: number;
  readonly deployment: Record<string, unknown>;
}

/** A stack output as the Automation API gives it. */
export interface OutputValue {
  readonly value: unknown;
  readonly secret: boolean;
}

/** The key Pulumi marks a secret value with in state (resource.SigKey's secret signature). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** The folder of a `file://` backend URL; undefined for any other backend. */
export function fileBackendRoot(backendUrl: string): string | undefined {
  if (!backendUrl.startsWith("file://")) return undefined;
  let dir = decodeURIComponent(backendUrl.slice("file://".length).replace(/\?.*$/, ""));
  if (dir === "~" || dir.startsWith("~/")) dir = path.join(os.homedir(), dir.slice(1));
  return dir === "" ? undefined : path.resolve(dir);
}

/**
 * The stack's state from its checkpoint file, or undefined when the backend is not a file
 * backend, the stack name is qualified (org/project/stack) or there is no such file (the CLI
 * then answers, with its own errors).
 */
export function readFileBackendState(
  backendUrl: string,
  project: string,
  stack: string,
): ExportedState | undefined {
  const root = fileBackendRoot(backendUrl);
  if (root === undefined || stack.includes("/")) return undefined;
  const stacks = path.join(root, ".pulumi", "stacks");
  for (const base of [path.join(stacks, project, stack), path.join(stacks, stack)]) {
    const text = readCheckpoint(base);
    if (text === undefined) continue;
    const file = JSON.parse(text) as {
      version?: number;
      checkpoint?: { stack?: string; latest?: Record<string, unknown> };
    };
    const named = file.checkpoint?.stack;
    // A legacy-layout file of another project's stack of the same name is not ours.
    if (named !== undefined && named !== stack && !named.endsWith(`/${project}/${stack}`)) continue;
    return { version: file.version ?? 3, deployment: file.checkpoint?.latest ?? {} };
  }
  return undefined;
}

function readCheckpoint(base: string): string | undefined {
  try {
    return fs.readFileSync(`${base}.json`, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  try {
    return gunzipSync(fs.readFileSync(`${base}.json.gz`)).toString("utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    return undefined;
  }
}

/**
 * The outputs of the state's Stack resource, as `stack output --json --show-secrets` gives
 * them, or undefined when one of `keys` holds a secret: a secret is encrypted in the state,
 * and only the CLI decrypts it.
 */
export function stackOutputsOf(
  state: ExportedState,
  keys: readonly string[],
): Record<string, OutputValue> | undefined {
  const resources = (state.deployment.resources ?? []) as {
    type?: string;
    parent?: string;
    outputs?: Record<string, unknown>;
  }[];
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack" && r.parent === undefined);
  const outputs = root?.outputs ?? {};
  if (keys.some((key) => holdsSecret(outputs[key]))) return undefined;
  return Object.fromEntries(
    Object.entries(outputs)
      .filter(([key]) => keys.includes(key))
      .map(([key, value]) => [key, { value, secret: false }]),
  );
}

function holdsSecret(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  if (record[SECRET_SIG_KEY] === SECRET_SIG) return true;
  return Object.values(record).some(holdsSecret);
}
