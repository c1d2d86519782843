import type { StagingPass } from "../progress/staging-record";

/** The build a production wave would deploy, and how young its staging pass must be. */
export interface StagingPassRequirement {
  readonly release: string;
  /** Undefined when the plan does not know it; then only a pass that did not know it either matches. */
  readonly imageDigest: string | undefined;
  readonly maxAgeHours: number;
  /** Milliseconds since the epoch, on the clock that stamps the journal. */
  readonly now: number;
}

/** A pass as a refusal names it: which build, when, and how old it is now. */
export interface FoundPass extends StagingPass {
  readonly ageHours: number;
}

export type StagingPassVerdict =
  | { readonly kind: "fresh"; readonly pass: FoundPass }
  /** No pass of this release and digest at all; `found` is the latest pass of any build. */
  | { readonly kind: "missing"; readonly found: FoundPass | undefined }
  /** The youngest pass of this release and digest is older than the limit. */
  | { readonly kind: "stale"; readonly found: FoundPass };

const HOUR_MS = 3_600_000;

/**
 * Whether `passes` (from any journal) hold a pass of the same release and image digest younger
 * than `maxAgeHours`. Pure: the executor asks before a production wave starts.
 */
export function judgeStagingPass(
  requirement: StagingPassRequirement,
  passes: readonly StagingPass[],
): StagingPassVerdict {
  const aged = (pass: StagingPass): FoundPass => ({
    ...pass,
    ageHours: (requirement.now - Date.parse(pass.at)) / HOUR_MS,
  });
  const youngestFirst = [...passes].sort((a, b) => b.at.localeCompare(a.at)).map(aged);
  const same = youngestFirst.find(
    (pass) => pass.release === requirement.release && pass.imageDigest === requirement.imageDigest,
  );
  if (same === undefined) return { kind: "missing", found: youngestFirst[0] };
  return same.ageHours < requirement.maxAgeHours
    ? { kind: "fresh", pass: same }
    : { kind: "stale", found: same };
}

/** `release 2.1.0 (image sha256:ab12...)`. */
export function buildText(release: string, imageDigest: string | undefined): string {
  return `release ${release} (image ${imageDigest ?? "digest unknown"})`;
}

function passText(pass: FoundPass): string {
  return `${buildText(pass.release, pass.imageDigest)} at ${pass.at}, ${pass.ageHours.toFixed(1)} h ago`;
}

/** Why a production wave may not start, in the journal's words; undefined when it may. */
export function stagingPassProblem(
  requirement: StagingPassRequirement,
  verdict: StagingPassVerdict,
): string | undefined {
  const wanted = buildText(requirement.release, requirement.imageDigest);
  const limit = `max ${requirement.maxAgeHours} h, stagingTests.passMaxAgeHours`;
  switch (verdict.kind) {
    case "fresh":
      return undefined;
    case "missing":
      return verdict.found === undefined
        ? `${wanted} has no staging pass in the journal`
        : `${wanted} has no staging pass; the latest staging pass found is ${passText(verdict.found)}`;
    case "stale":
      return `the staging pass of ${wanted} is too old (${limit}): ${passText(verdict.found)}`;
  }
}
