import { ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { Color, COLORS } from "../infra/contract";
import { configNumber, configString, SEMVER_PATTERN } from "./lib/config-values";
import { missingConfigNote, reportNote } from "./lib/notes";
import { fromStack } from "./lib/fleet-resource";
import {
  activeColor,
  fleetTraffic,
  isTrafficRouter,
  OutpostTraffic,
  trafficShare,
} from "./lib/traffic-split";
import { TYPES } from "./lib/types";
import { VersionClaim, versionClaims } from "./lib/versions";
import { POLICY } from "./names";

/** What this preview expects, from policy config. */
interface Expectation {
  readonly expected: string;
  readonly previous?: string;
  readonly maxCandidateWeight: number;
}

/**
 * Resources before outputs, launch templates first, a local pool before the balancer that
 * routes to it: the first claim's URN is where a violation points.
 */
const CLAIM_ORDER = [
  TYPES.launchTemplate,
  TYPES.autoScalingGroup,
  TYPES.instance,
  TYPES.rollout,
  TYPES.dynamic,
];
function rank(claim: VersionClaim): number {
  const i = CLAIM_ORDER.indexOf(claim.resource.type as (typeof CLAIM_ORDER)[number]);
  return (i === -1 ? CLAIM_ORDER.length : i) + (isTrafficRouter(claim.resource) ? 0.5 : 0);
}

function describe(claims: readonly VersionClaim[]): string {
  return claims.map((c) => `${c.resource.name} ${c.source}`).join(", ");
}

/**
 * One version everywhere. The active path (release-wide resources such as the Rollout, and
 * each Outpost's active color) runs the expected version. During a release (previousVersion
 * set) the active color may still run the previous one until it flips; other versions may
 * sit only on an idle color that takes no traffic. A candidate that differs from the active
 * color may take at most maxCandidateWeight percent.
 */
export const releaseVersionConsistency: StackValidationPolicy = {
  name: POLICY.releaseVersionConsistency,
  description:
    "Every versioned resource on the active path runs the expected release version; other versions only on an idle or candidate color.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      expectedVersion: {
        type: "string",
        pattern: SEMVER_PATTERN,
        description: "The release version the active path must run (the driver's release).",
      },
      previousVersion: {
        type: "string",
        pattern: SEMVER_PATTERN,
        description:
          "Set while a release rolls out: the version it replaces, still allowed on either color.",
      },
      maxCandidateWeight: {
        type: "integer",
        minimum: 0,
        maximum: 100,
        default: 100,
        description:
          "Most traffic (percent) a candidate color may take while it runs another version than the active color.",
      },
    },
  },
  validateStack: (args, report) => {
    const config = args.getConfig();
    const expected = configString(config, "expectedVersion");
    if (expected === undefined) {
      reportNote(report, missingConfigNote(POLICY.releaseVersionConsistency, ["expectedVersion"]));
      return;
    }
    const expectation: Expectation = {
      expected,
      previous: configString(config, "previousVersion"),
      maxCandidateWeight: configNumber(config, "maxCandidateWeight", 100),
    };
    const resources = fromStack(args.resources);
    const claims = resources.flatMap(versionClaims).sort((a, b) => rank(a) - rank(b));
    checkReleaseWide(
      claims.filter((c) => c.color === undefined),
      expectation,
      report,
    );
    const traffic = fleetTraffic(resources);
    const outposts = new Set(
      claims.flatMap((c) => (c.color !== undefined && c.outpost ? [c.outpost] : [])),
    );
    for (const outpost of outposts) {
      const colored = claims.filter((c) => c.outpost === outpost && c.color !== undefined);
      checkOutpost(outpost, colored, traffic.get(outpost), expectation, report);
    }
  },
};

/** The Rollout, release parameter, release output: one version, the expected one. */
function checkReleaseWide(
  claims: readonly VersionClaim[],
  e: Expectation,
  report: ReportViolation,
): void {
  const wrong = new Map<string, VersionClaim[]>();
  for (const claim of claims) {
    if (claim.version === e.expected) continue;
    const key = claim.resource.urn;
    wrong.set(key, [...(wrong.get(key) ?? []), claim]);
  }
  for (const [urn, list] of wrong) {
    const versions = [...new Set(list.map((c) => c.version))].join(", ");
    report(
      `${describe(list)} run${list.length === 1 ? "s" : ""} ${versions}; the release is ${e.expected}.`,
      urn,
    );
  }
}

function checkOutpost(
  outpost: string,
  claims: readonly VersionClaim[],
  traffic: OutpostTraffic | undefined,
  e: Expectation,
  report: ReportViolation,
): void {
  const versions = new Map<Color, string>();
  for (const color of COLORS) {
    const own = claims.filter((c) => c.color === color);
    if (own.length === 0) continue;
    const distinct = [...new Set(own.map((c) => c.version))];
    if (distinct.length > 1) {
      const parts = distinct.map((v) => `${v} (${describe(own.filter((c) => c.version === v))})`);
      report(
        `Outpost ${outpost} ${color} runs more than one version: ${parts.join(" vs ")}.`,
        own[0].resource.urn,
      );
      continue;
    }
    versions.set(color, distinct[0]);
  }

  const active = traffic ? activeColor(traffic) : undefined;
  const share = traffic ? trafficShare(traffic) : undefined;
  const allowed = e.previous ? [e.expected, e.previous] : [e.expected];
  const allowedText = e.previous
    ? `${e.expected} (or ${e.previous} while the release rolls out)`
    : e.expected;
  for (const [color, version] of versions) {
    const urn = claims.find((c) => c.color === color)!.resource.urn;
    const weight = share?.[color];
    // Without a known active color and weights, every color counts as on the active path.
    const onPath =
      active === undefined ? true : color === active || weight === undefined || weight > 0;
    const role = active === undefined ? "" : color === active ? " (active)" : " (candidate)";
    if (onPath && !allowed.includes(version)) {
      const why =
        active === undefined
          ? "its traffic is unknown, so it counts as active"
          : weight !== undefined && color !== active
            ? `it takes ${round(weight)}% of traffic`
            : "it is on the active path";
      report(
        `Outpost ${outpost} ${color}${role} runs ${version}, but ${why}; expected ${allowedText}.`,
        urn,
      );
    }
  }

  if (active !== undefined && share !== undefined) {
    const candidate = COLORS.find((c) => c !== active)!;
    const [a, c] = [versions.get(active), versions.get(candidate)];
    const weight = share[candidate] ?? 0;
    if (a !== undefined && c !== undefined && a !== c && weight > e.maxCandidateWeight) {
      const urn = claims.find((x) => x.color === candidate)!.resource.urn;
      report(
        `Outpost ${outpost} ${candidate} (candidate) runs ${c} beside ${a} on ${active} and takes ${round(weight)}% of traffic; ` +
          `mixed versions may take at most ${e.maxCandidateWeight}%.`,
        urn,
      );
    }
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
