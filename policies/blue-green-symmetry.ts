import { ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { Color } from "../infra/contract";
import { configStrings } from "./lib/config-values";
import { differences, normalize, show } from "./lib/normalize";
import { reportNote } from "./lib/notes";
import { byOutpost, FleetResource, fromStack } from "./lib/fleet-resource";
import { checkTraffic } from "./lib/traffic-checks";
import { activeColor, fleetTraffic, isTrafficRouter } from "./lib/traffic-split";
import { versionClaims } from "./lib/versions";
import { POLICY } from "./names";

/** Keys that only say how big a color is. */
export const DEFAULT_SIZE_PROPERTIES = [
  "minSize",
  "maxSize",
  "desiredCapacity",
  "count",
  "replicas",
];

/**
 * Keys that differ between colors by construction: provider-assigned identity (ids, ARNs,
 * autonamed names, local processes and ports), the AMI looked up per version, references to
 * the color's own launch template, target group or alarm dimensions, and the local target's
 * injected faults, which are keyed by version (they stand for a version's behaviour).
 */
export const DEFAULT_IGNORED_PROPERTIES = [
  "id",
  "urn",
  "arn",
  "arnSuffix",
  "name",
  "tagsAll",
  "latestVersion",
  "defaultVersion",
  "imageId",
  "launchTemplate",
  "targetGroupArns",
  "loadBalancerArns",
  "dimensions",
  "processes",
  "ports",
  "faults",
];

/**
 * The two colors of an Outpost are one design in two copies: if green differs from blue in
 * anything but version and size, a flip changes more than the version, and a rollback does
 * not restore what ran before. The traffic state must also name one active color, with
 * weights that add up and that send traffic only to a color that has capacity.
 */
export const blueGreenSymmetry: StackValidationPolicy = {
  name: POLICY.blueGreenSymmetry,
  description:
    "Both colors of each Outpost are identical except for version and size, with one active color and consistent weights.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      sizeProperties: {
        type: "array",
        items: { type: "string" },
        default: DEFAULT_SIZE_PROPERTIES,
        description: "Property names that may differ because they size a color.",
      },
      ignoredProperties: {
        type: "array",
        items: { type: "string" },
        default: DEFAULT_IGNORED_PROPERTIES,
        description:
          "Property names that differ by construction (identity, per-version AMI, references).",
      },
    },
  },
  validateStack: (args, report) => {
    const config = args.getConfig();
    const ignored = new Set([
      ...configStrings(config, "sizeProperties", DEFAULT_SIZE_PROPERTIES),
      ...configStrings(config, "ignoredProperties", DEFAULT_IGNORED_PROPERTIES),
    ]);
    const resources = fromStack(args.resources);
    const traffic = fleetTraffic(resources);
    for (const [outpost, members] of byOutpost(resources)) {
      const colored = members.filter((r) => r.color !== undefined && !isTrafficRouter(r));
      if (colored.length === 0) continue;
      const state = traffic.get(outpost);
      checkCopies(
        outpost,
        colored,
        resources,
        ignored,
        state ? activeColor(state) : undefined,
        report,
      );
      if (state === undefined || state.activeColors.length === 0) {
        reportNote(
          report,
          `blue-green-symmetry: Outpost ${outpost} declares no active color that is known yet; traffic checks skipped.`,
        );
        continue;
      }
      checkTraffic(outpost, state, colored, report);
    }
  },
};

/** Versions each color runs, from every claim in the stack (outputs included). */
function colorVersions(
  outpost: string,
  resources: readonly FleetResource[],
): Record<Color, string[]> {
  const result: Record<Color, string[]> = { blue: [], green: [] };
  for (const claim of resources.flatMap(versionClaims)) {
    if (
      claim.outpost === outpost &&
      claim.color !== undefined &&
      !result[claim.color].includes(claim.version)
    ) {
      result[claim.color].push(claim.version);
    }
  }
  return result;
}

function checkCopies(
  outpost: string,
  colored: readonly FleetResource[],
  all: readonly FleetResource[],
  ignored: ReadonlySet<string>,
  active: Color | undefined,
  report: ReportViolation,
): void {
  const versions = colorVersions(outpost, all);
  const pairs = new Map<string, Partial<Record<Color, FleetResource[]>>>();
  for (const resource of colored) {
    const color = resource.color!;
    // Pair the copies by type and by name with the color taken out: names are stable by design.
    const key = `${resource.type}|${String(normalize(resource.name, { color, versions: [], ignoredKeys: ignored }))}`;
    const pair = pairs.get(key) ?? {};
    pair[color] = [...(pair[color] ?? []), resource];
    pairs.set(key, pair);
  }
  for (const pair of pairs.values()) {
    const [blue, green] = [pair.blue ?? [], pair.green ?? []];
    if (blue.length !== 1 || green.length !== 1) {
      const [have, lack] =
        blue.length > green.length ? ([blue, "green"] as const) : ([green, "blue"] as const);
      report(
        `Outpost ${outpost}: ${have[0].color} has ${have.length} ${have[0].type} (${have.map((r) => r.name).join(", ")}) ` +
          `but ${lack} has ${lack === "green" ? green.length : blue.length}; both colors need the same resources.`,
        have[0].urn,
      );
      continue;
    }
    const [a, b] = [blue[0], green[0]];
    const diff = differences(
      normalize(a.props, { color: "blue", versions: versions.blue, ignoredKeys: ignored }),
      normalize(b.props, { color: "green", versions: versions.green, ignoredKeys: ignored }),
    );
    if (diff.length > 0) {
      // Point at the candidate's copy: that is the one a release or a fix is changing.
      const target = active === "green" ? a : b;
      const detail = diff
        .slice(0, 5)
        .map((d) => `${d.path} (blue ${show(d.a)}, green ${show(d.b)})`)
        .join("; ");
      report(
        `Outpost ${outpost}: ${b.type} ${b.name} differs from ${a.name} beyond version and size: ${detail}` +
          `${diff.length > 5 ? ` and ${diff.length - 5} more` : ""}.`,
        target.urn,
      );
    }
  }
}
