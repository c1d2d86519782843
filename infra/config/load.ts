import * as path from "node:path";
import { ConfigProblem, ConfigValidationError } from "./errors";
import { crossCheck } from "./cross-checks";
import { completeDeploymentState } from "../contract";
import { FleetConfig, imageFor, initialDeploymentState } from "./fleet-config";
import { fleetFingerprint } from "./fingerprint";
import { availableLayers, DEFAULT_LAYERS_DIR, Layer, mergeLayers, readLayer } from "./layers";
import { fleetConfigSchema } from "./schema";
import { secretProblems, SecretInventory } from "./secrets";
import { isProviderLayerKey } from "./stack-keys";
import { isSecureValue, isStackLevel, stackKeyProblems } from "./stack-layer-keys";
import { problemsFromIssue } from "./zod-problems";

/**
 * What the stack layer holds: the keys of Pulumi.<stack>.yaml under `outpost-fleet:`, plus
 * `awsRegion` from `aws:region`. `overrides` may set any layered key and is merged last.
 */
export interface StackLayer {
  readonly [key: string]: unknown;
  readonly regionGroup?: unknown;
  readonly environment?: unknown;
  readonly overrides?: unknown;
}

/**
 * Merges global, region, environment and stack layers, validates the result and fills
 * defaults. Throws ConfigValidationError listing every problem; never returns a partial config.
 * `secrets` is what the entry point was given under `outpost-fleet:secrets`; tools that never
 * see secret values leave it out, and then no secret is checked or counted as missing.
 */
export function loadFleetConfig(
  stack: StackLayer,
  layersDir = DEFAULT_LAYERS_DIR,
  secrets?: SecretInventory,
): FleetConfig {
  const { overrides, control, ...given } = stack;
  // A provider key held as a secret is reported once (stackKeyProblems), not parsed as well.
  const stackKeys = Object.fromEntries(
    Object.entries(given).filter(
      ([key, value]) => !(isProviderLayerKey(key) && isSecureValue(value)),
    ),
  );
  const problems: ConfigProblem[] = [...stackKeyProblems(stack)];
  if (control !== undefined) {
    problems.push({
      key: "outpost-fleet:control",
      value: control,
      allowed: `is only for the control-plane stack (target: control); this stack's target is ${String(stack.target ?? "aws")}, remove the key`,
    });
  }
  const global = readLayer(path.join(layersDir, "global.yaml")) ?? {};
  const region = selectLayer(layersDir, "region", "regionGroup", stack.regionGroup, problems);
  const environment = selectLayer(
    layersDir,
    "environment",
    "environment",
    stack.environment,
    problems,
  );
  const overrideLayer = isLayer(overrides) ? withoutStackKeys(overrides) : {};
  if (overrides !== undefined && !isLayer(overrides)) {
    problems.push({
      key: "outpost-fleet:overrides",
      value: overrides,
      allowed: "must be a mapping of config keys",
    });
  }
  const merged = mergeLayers(global, region, environment, stackKeys, overrideLayer);

  const parsed = fleetConfigSchema.safeParse(merged);
  if (!parsed.success) {
    problems.push(
      ...parsed.error.issues.flatMap((issue) => problemsFromIssue(issue, merged, FLEET_WORDING)),
    );
    throw new ConfigValidationError(problems);
  }
  problems.push(...crossCheck(parsed.data));
  const secretCheck = secretProblems(parsed.data, secrets);
  problems.push(...secretCheck.problems);
  if (problems.length > 0) throw new ConfigValidationError(problems);

  const config = parsed.data;
  const deployment = Object.fromEntries(
    config.outposts.map((outpost) => [
      outpost.name,
      completeDeploymentState(
        config.deployment[outpost.name] ?? initialDeploymentState(config.release.version),
      ),
    ]),
  );
  return {
    ...config,
    deployment,
    release: {
      version: config.release.version,
      image: imageFor(config.app.imageRepository, config.release.version),
    },
    fingerprint: fleetFingerprint(config.release.version, config),
    secretsWithValues: secretCheck.withValues,
    missingSecrets: secretCheck.missing,
  };
}

/** Stack-level keys in overrides are reported by stackKeyProblems; they never merge. */
function withoutStackKeys(overrides: Layer): Layer {
  return Object.fromEntries(Object.entries(overrides).filter(([key]) => !isStackLevel(key)));
}

function isLayer(value: unknown): value is Layer {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function selectLayer(
  layersDir: string,
  kind: "region" | "environment",
  key: string,
  name: unknown,
  problems: ConfigProblem[],
): Layer {
  const allowed = availableLayers(layersDir, kind);
  const layer =
    typeof name === "string" ? readLayer(path.join(layersDir, kind, `${name}.yaml`)) : undefined;
  if (layer === undefined) {
    problems.push({
      key: `outpost-fleet:${key}`,
      value: name,
      allowed: `must be one of: ${allowed.join(", ")}`,
    });
    return {};
  }
  return layer;
}

/** How the fleet's config problems are worded. */
const FLEET_WORDING = {
  docs: "docs/configuration.md",
  unionAllowed:
    "must be one of {setWeight: 0-100}, {pause: {duration?}}, {analysis: true}, " +
    "{setCanaryScale: {weight: 0-100}}",
};
