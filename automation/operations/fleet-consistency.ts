import type { ReleaseOutcome } from "../journal/journal-events";

// Whether the fleet serves one version, and if not, the one command that brings it back to
// one. A rollback scope narrower than the release (stage, wave) leaves the Outposts outside it
// on the new version: a split fleet is a legitimate end of a release, never a silent one. Pure.

/** Per Outpost ("stack/outpost"), the versions that take its traffic (two while mid-shift). */
export type ServedVersions = Readonly<Record<string, readonly string[]>>;

/** Where the release that moved the fleet stands (status-report.ts's state and outcome). */
export interface ReleaseStanding {
  readonly release: string;
  /** running (a driver holds it) | paused | stopped | finished */
  readonly state: string;
  readonly outcome: ReleaseOutcome | null;
}

/** One version and the Outposts serving it, in the order given. */
export interface VersionGroup {
  readonly version: string;
  readonly outposts: readonly string[];
}

/** The command that brings a split fleet back to one version, and what it does. */
export interface FixCommand {
  readonly command: "rollback" | "resume" | "deploy";
  /** `outpost-fleet rollback --release 2.1.0`. */
  readonly line: string;
  readonly effect: string;
}

export type FleetConsistency =
  | { readonly kind: "consistent"; readonly version: string | null }
  /** A driver is moving the fleet: two versions are its work in progress, not a split. */
  | { readonly kind: "in-progress"; readonly versions: readonly VersionGroup[] }
  | {
      readonly kind: "split";
      readonly versions: readonly VersionGroup[];
      readonly fix: FixCommand;
    };

/** Groups the Outposts by the versions they serve; an Outpost mid-shift is in both groups. */
export function versionGroups(served: ServedVersions): VersionGroup[] {
  const byVersion = new Map<string, string[]>();
  for (const [outpost, versions] of Object.entries(served)) {
    for (const version of new Set(versions)) {
      byVersion.set(version, [...(byVersion.get(version) ?? []), outpost]);
    }
  }
  return [...byVersion]
    .sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }))
    .map(([version, outposts]) => ({ version, outposts }));
}

/** Consistent (one version, or none known), in progress, or split with the command to fix it. */
export function judgeConsistency(
  served: ServedVersions,
  standing: ReleaseStanding | undefined,
): FleetConsistency {
  const versions = versionGroups(served);
  if (versions.length <= 1) return { kind: "consistent", version: versions[0]?.version ?? null };
  if (standing?.state === "running") return { kind: "in-progress", versions };
  const newest = versions[versions.length - 1].version;
  return { kind: "split", versions, fix: fixFor(standing ?? noJournal(newest)) };
}

/** No journal tells how the fleet got split: deploying the newest version makes it one. */
function noJournal(newest: string): ReleaseStanding {
  return { release: newest, state: "finished", outcome: "succeeded" };
}

/**
 * The one command: a release that ended short of the new version flips back (its Outposts on
 * it still have their old color warm); one that is unfinished, or whose rollback did not
 * complete, carries on once its cause is fixed; one that succeeded is deployed again.
 */
function fixFor({ release, state, outcome }: ReleaseStanding): FixCommand {
  if (state !== "finished" || outcome === "rollback-incomplete") {
    return {
      command: "resume",
      line: `outpost-fleet resume --release ${release}`,
      effect:
        outcome === "rollback-incomplete"
          ? "once the cause is fixed, completes the rollback"
          : `once the cause is fixed, carries release ${release} on to every Outpost`,
    };
  }
  if (outcome === "succeeded") {
    return {
      command: "deploy",
      line: `outpost-fleet deploy --release ${release}`,
      effect: `moves the Outposts left behind to ${release}`,
    };
  }
  return {
    command: "rollback",
    line: `outpost-fleet rollback --release ${release}`,
    effect: `flips every Outpost still on ${release} back to its warm old version`,
  };
}

/** `2.0.0 on eu/eu-op1, eu/eu-op2; 2.1.0 on us/us-op1`. */
export function versionGroupsText(versions: readonly VersionGroup[]): string {
  return versions.map((g) => `${g.version} on ${g.outposts.join(", ")}`).join("; ");
}

/** One line for people: the CLI, the live view and the notifications say the same. */
export function consistencyText(consistency: FleetConsistency): string {
  switch (consistency.kind) {
    case "consistent":
      return consistency.version === null
        ? "fleet consistent (no version known)"
        : `fleet consistent: every Outpost serves ${consistency.version}`;
    case "in-progress":
      return `release in progress: ${versionGroupsText(consistency.versions)}`;
    case "split":
      return (
        `fleet NOT consistent: it serves ${consistency.versions.length} versions: ` +
        `${versionGroupsText(consistency.versions)}; to bring it back to one version run ` +
        `${consistency.fix.line} (${consistency.fix.effect})`
      );
  }
}
