import type { Argv } from "yargs";
import { discoverStacks } from "../fleet/stack-discovery";
import { projectDirFrom } from "../fleet/project-dir";
import type { FleetStack } from "../fleet/fleet-stack";
import { buildPlan } from "../plan/build-plan";
import { parseConcurrency } from "../plan/concurrency";
import {
  parseOnOff,
  parsePrestage,
  selectStacks,
  validateRelease,
  validateRollbackScope,
  validateWaveOrder,
} from "../plan/plan-inputs";
import type { RolloutPlan } from "../plan/plan-types";
import {
  type ArtifactSources,
  type ReleaseArtifacts,
  releaseArtifacts,
} from "../plan/release-artifacts";
import { mergedStackConfig } from "../fleet/config-diff";
import { parseTrafficSteps } from "../plan/traffic-steps";
import {
  DEFAULT_SETTINGS_FILE,
  type DriverSettings,
  loadDriverSettings,
} from "../settings/driver-settings";
import type { PlaceArgs } from "./driver-places";
import { listOption } from "./list-option";
import { imageDigestFor } from "./image-digest";

/** Options every command shares: where things are and how to print. */
export function withCommonOptions<T>(yargs: Argv<T>) {
  return yargs
    .option("json", {
      type: "boolean",
      default: false,
      describe: "Print JSON lines (CI) instead of readable progress",
    })
    .option("project-dir", {
      type: "string",
      describe: "Project root with Pulumi.<stack>.yaml files [env OUTPOST_FLEET_PROJECT_DIR]",
    })
    .option("settings", {
      type: "string",
      describe: "Driver settings file [env OUTPOST_FLEET_SETTINGS; default automation/driver.yaml]",
    })
    .option("journal-url", {
      alias: "journal-dir",
      type: "string",
      describe:
        "Journal and fleet lock: a folder or s3://bucket/prefix [env OUTPOST_FLEET_JOURNAL_URL; " +
        "default beside the backend's state, or .outpost-fleet/ on the local profile]",
    })
    .option("backend-url", {
      type: "string",
      describe:
        "Your Pulumi backend, e.g. s3://bucket [env OUTPOST_FLEET_BACKEND_URL, else PULUMI_BACKEND_URL, " +
        "else pulumi login; local-target stacks default to the local profile]",
    })
    .option("state-dir", {
      type: "string",
      describe:
        "Local profile: the file backend's folder [env OUTPOST_FLEET_STATE_DIR; default .pulumi-local/state]",
    });
}

/** `--target` for commands that take no stack list: it picks the stacks whose backend to use. */
export function withTargetOption<T>(yargs: Argv<T>) {
  return yargs.option("target", {
    type: "string",
    describe: "Whose backend and journal: the aws or the local stacks (default: aws if any)",
  });
}

/** Options that shape a rollout: which stacks, in which waves, how fast, how careful. */
export function withRolloutOptions<T>(yargs: Argv<T>) {
  return withCommonOptions(yargs)
    .option("stacks", {
      type: "string",
      array: true,
      describe: "Stacks to act on, comma separated (default: every Pulumi.<stack>.yaml)",
    })
    .option("target", {
      type: "string",
      describe:
        "Without --stacks: act on every stack of this target, aws or local (default: aws if any)",
    })
    .option("waves", {
      type: "string",
      array: true,
      describe: "Region groups in wave order, comma separated (default: settings waveOrder)",
    })
    .option("concurrency", {
      type: "string",
      describe: "Outposts moving at once after each wave's canary: a count or a share like 50%",
    })
    .option("traffic-steps", {
      type: "string",
      describe: "Candidate weights ending in 100, e.g. 10,50,100 (default: settings, per target)",
    })
    .option("rollback-scope", {
      type: "string",
      describe: "What a failed gate rolls back: stage, wave or release",
    })
    .option("prestage", {
      type: "string",
      describe:
        "Launch every Outpost's idle color before wave 1, no traffic: on or off (default: settings prestage)",
    })
    .option("pipeline-waves", {
      type: "string",
      describe:
        "Start each wave's canary while the wave before bakes: on or off, off is strict sequence (default: settings pipelineWaves)",
    });
}

export interface CommonArgs extends PlaceArgs {
  readonly json: boolean;
  readonly "project-dir"?: string;
  readonly settings?: string;
  readonly target?: string;
}

export interface RolloutArgs extends CommonArgs {
  readonly stacks?: (string | number)[];
  readonly waves?: (string | number)[];
  readonly concurrency?: string;
  readonly "traffic-steps"?: string;
  readonly "rollback-scope"?: string;
  readonly prestage?: string;
  readonly "pipeline-waves"?: string;
}

export interface ResolvedRollout {
  readonly projectDir: string;
  readonly settings: DriverSettings;
  readonly fleet: readonly FleetStack[];
  readonly selected: readonly FleetStack[];
  readonly plan: RolloutPlan;
}

export function resolveSettings(args: CommonArgs, env: NodeJS.ProcessEnv): DriverSettings {
  const projectDir = projectDirFrom(args["project-dir"], env);
  const file = args.settings ?? env.OUTPOST_FLEET_SETTINGS ?? DEFAULT_SETTINGS_FILE;
  return loadDriverSettings(file, projectDir);
}

/** Each stack's image repository and AMI prefix, from its merged config layers. */
function artifactSources(
  projectDir: string,
  stacks: readonly FleetStack[],
): Record<string, ArtifactSources> {
  return Object.fromEntries(
    stacks.map((stack) => {
      const app = mergedStackConfig(projectDir, stack.name).merged.app as
        | Partial<Record<keyof ArtifactSources, unknown>>
        | undefined;
      const text = (value: unknown) => (typeof value === "string" ? value : String(value));
      return [
        stack.name,
        { imageRepository: text(app?.imageRepository), amiNamePrefix: text(app?.amiNamePrefix) },
      ];
    }),
  );
}

function withDigest(
  artifacts: ReleaseArtifacts | undefined,
  imageDigest: string | undefined,
): ReleaseArtifacts | undefined {
  return artifacts && imageDigest !== undefined ? { ...artifacts, imageDigest } : artifacts;
}

/** Flags override the settings file; every value is validated with a message naming its flag. */
export function resolveRollout(
  args: RolloutArgs,
  release: unknown,
  env: NodeJS.ProcessEnv,
): ResolvedRollout {
  const version = validateRelease(release);
  const projectDir = projectDirFrom(args["project-dir"], env);
  const settings = resolveSettings(args, env);
  const fleet = discoverStacks(projectDir);
  const selected = selectStacks(fleet, listOption(args.stacks), args.target);
  const waves = listOption(args.waves);
  const waveOrder = waves ? validateWaveOrder(waves, selected) : settings.waveOrder;
  const traffic = args["traffic-steps"] ? parseTrafficSteps(args["traffic-steps"]) : undefined;
  const plan = buildPlan({
    release: version,
    stacks: selected,
    waveOrder,
    concurrency:
      args.concurrency !== undefined ? parseConcurrency(args.concurrency) : settings.concurrency,
    traffic: traffic ? { aws: traffic, local: traffic } : settings.traffic,
    eksCanary: settings.eksCanary,
    rollbackScope:
      args["rollback-scope"] !== undefined
        ? validateRollbackScope(args["rollback-scope"])
        : settings.rollbackScope,
    prestage: args.prestage !== undefined ? parsePrestage(args.prestage) : settings.prestage,
    artifacts: withDigest(
      releaseArtifacts(version, artifactSources(projectDir, selected)),
      imageDigestFor(projectDir, selected),
    ),
    schedule: {
      pipelineWaves:
        args["pipeline-waves"] !== undefined
          ? parseOnOff(args["pipeline-waves"], "--pipeline-waves")
          : settings.pipelineWaves,
      prestageBesideStagingTests: settings.prestageBesideStagingTests,
    },
  });
  return { projectDir, settings, fleet, selected, plan };
}
