import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import {
  describeProfile,
  type EngineProfile,
  redactUrl,
  resolveEngineProfile,
} from "../engine/engine-profile";
import { PROJECT_ROOT } from "../engine/pulumi-environment";
import type { FleetStack, Target } from "../fleet/fleet-stack";
import { discoverStacks } from "../fleet/stack-discovery";
import { type FleetStore, openFleetStore } from "../store/fleet-store";
import { currentRunId } from "../journal/journal-store";
import {
  describeLocation,
  locationBesideBackend,
  parseStoreLocation,
  type StoreLocation,
} from "../store/store-location";
import { selectStacks } from "../plan/plan-inputs";
import { type RolloutPlan, stacksOf } from "../plan/plan-types";
import type { LockSettings } from "../settings/driver-settings";
import { UserError } from "../support/user-error";

/** Flags that say where the state, the journal and the lock are. */
export interface PlaceArgs {
  readonly "backend-url"?: string;
  readonly "state-dir"?: string;
  readonly "journal-url"?: string;
}

export interface JournalPlace {
  readonly location: StoreLocation;
  /** Why it is there: a flag, a variable, or the default it follows. */
  readonly source: string;
}

/** The engine profile for `stacks` (see engine-profile.ts); refusals exit 2. */
export function profileFor(
  args: PlaceArgs,
  stacks: readonly { readonly name: string; readonly target: Target }[],
  env: NodeJS.ProcessEnv,
): EngineProfile {
  return resolveEngineProfile({
    backendUrl: args["backend-url"],
    stateDir: args["state-dir"],
    stacks,
    env,
    defaultStateDir: path.join(PROJECT_ROOT, ".pulumi-local", "state"),
  });
}

/** Whether the journal place is named explicitly (then it does not depend on the profile). */
export function explicitJournal(args: PlaceArgs, env: NodeJS.ProcessEnv): JournalPlace | undefined {
  const named: [string | undefined, string][] = [
    [args["journal-url"], "--journal-url"],
    [env.OUTPOST_FLEET_JOURNAL_URL, "OUTPOST_FLEET_JOURNAL_URL"],
    [env.OUTPOST_FLEET_JOURNAL_DIR, "OUTPOST_FLEET_JOURNAL_DIR"],
  ];
  const found = named.find(([value]) => value !== undefined && value !== "");
  if (!found) return undefined;
  const [value, source] = found as [string, string];
  return { location: parseStoreLocation(value, source), source };
}

/**
 * Where the journal and the lock are: named (`--journal-url`, `OUTPOST_FLEET_JOURNAL_URL`),
 * else beside the state of the backend profile's backend (so every driver of the same stacks
 * meets the same lock), else, on the local profile, `<project>/.outpost-fleet`.
 */
export function journalPlace(
  args: PlaceArgs,
  projectDir: string,
  profile: EngineProfile,
  env: NodeJS.ProcessEnv,
): JournalPlace {
  const named = explicitJournal(args, env);
  if (named) return named;
  if (profile.kind === "local") {
    return {
      location: { kind: "file", dir: path.join(projectDir, ".outpost-fleet") },
      source: "the local profile's default",
    };
  }
  const beside = locationBesideBackend(profile.backendUrl, projectName(projectDir));
  if (beside === undefined) {
    throw new UserError(
      `the backend ${redactUrl(profile.backendUrl)} (from ${profile.source}) cannot hold the driver's journal ` +
        `and fleet lock: name a place every driver of these stacks shares with --journal-url ` +
        `s3://<bucket>/<prefix> (or OUTPOST_FLEET_JOURNAL_URL)`,
    );
  }
  return { location: beside, source: `beside the state of ${profile.source}` };
}

/** Opens the journals and the lock of a place, judging others' locks by `lock` settings. */
export function openStore(
  place: JournalPlace,
  lock: LockSettings,
  env: NodeJS.ProcessEnv,
): FleetStore {
  return openFleetStore(place.location, {
    env,
    staleAfterMs: lock.ttlSeconds * 1000,
    runId: currentRunId(env),
  });
}

/** "backend: ...", "journal: ..." for `status` and `plan`. */
export function describePlaces(
  profile: EngineProfile | UserError,
  journal: JournalPlace | UserError,
): { backend: string; journal: string } {
  return {
    backend: profile instanceof UserError ? `none (${profile.message})` : describeProfile(profile),
    journal:
      journal instanceof UserError
        ? `none (${journal.message})`
        : `${describeLocation(journal.location)} (${journal.source})`,
  };
}

/** `name:` of the project's Pulumi.yaml (the stacks' project), else the folder's name. */
export function projectName(projectDir: string): string {
  try {
    const project = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as {
      name?: unknown;
    };
    if (typeof project?.name === "string" && project.name !== "") return project.name;
  } catch {
    // fall through
  }
  return path.basename(projectDir);
}

/** Runs `resolve`, keeping a user error as a value (status and plan print it, they do not fail). */
export function orError<T>(resolve: () => T): T | UserError {
  try {
    return resolve();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
}

/**
 * The store of a command that names no stacks (status, resume, the operator commands): the
 * named place, else the one beside the backend of `--target`'s stacks. The profile is
 * returned too, or the reason there is none (status prints it; resume needs it).
 */
export function commandStore(
  args: PlaceArgs & { readonly target?: string },
  projectDir: string,
  env: NodeJS.ProcessEnv,
  lock: LockSettings,
): { store: FleetStore; place: JournalPlace; profile: EngineProfile | UserError } {
  const named = explicitJournal(args, env);
  const stacks = orError(() => selectStacks(discoverStacks(projectDir), undefined, args.target));
  const profile =
    stacks instanceof UserError ? stacks : orError(() => profileFor(args, stacks, env));
  if (named) return { store: openStore(named, lock, env), place: named, profile };
  if (profile instanceof UserError) throw profile;
  const place = journalPlace(args, projectDir, profile, env);
  return { store: openStore(place, lock, env), place, profile };
}

/** The project's stacks that a release's plan acts on (the stacks it was started with). */
export function stacksOfRelease(projectDir: string, plan: RolloutPlan): FleetStack[] {
  const names = stacksOf(plan);
  return discoverStacks(projectDir).filter((stack) => names.includes(stack.name));
}
