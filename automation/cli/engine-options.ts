import * as path from "node:path";
import type { Argv } from "yargs";
import { loadFleetConfig, stackLayerFromConfig } from "../../infra/config";
import { AutomationApiEngine } from "../engine/automation-api-engine";
import type { EnginePort } from "../engine/engine-port";
import type { EngineProfile } from "../engine/engine-profile";
import {
  backendEnvironment,
  pulumiCommand,
  pulumiEnvironment,
  type PulumiEnvironment,
} from "../engine/pulumi-environment";
import { InMemoryEngine } from "../engine/in-memory-engine";
import { awsAlarmStateReader } from "../gates/adapters/aws/cloudwatch-alarm-reader";
import { awsScanFindingsReader } from "../gates/adapters/aws/ecr-scan-findings-reader";
import { awsTargetHealthReader } from "../gates/adapters/aws/elb-target-health-reader";
import { CloudWatchAlarmGate } from "../gates/cloudwatch-alarm-gate";
import { ElbTargetHealthGate } from "../gates/elb-target-health-gate";
import { EcrScanGate, type ImageRepositoryOf } from "../gates/ecr-scan-gate";
import type { GateSuite } from "../gates/gate";
import { stackRoleCredentials } from "../gates/adapters/aws/gate-credentials";
import { httpExchange } from "../gates/adapters/http-exchange";
import { HttpProbeGate } from "../gates/http-probe-gate";
import { IntegrationGate } from "../gates/integration-gate";
import { LoadGate, loadStopErrorsOf } from "../gates/load-gate";
import { SecurityGate } from "../gates/security-gate";
import { CandidateTrafficGate } from "../gates/candidate-traffic-gate";
import {
  awsGetMetricData,
  cloudWatchTrafficSource,
} from "../gates/adapters/aws/cloudwatch-traffic";
import { haproxyTrafficSource } from "../gates/adapters/haproxy-traffic";
import {
  clusterRolloutApi,
  kubernetesRolloutController,
} from "../rollouts/kubernetes-rollout-controller";
import { OutputsVersionGate } from "../gates/outputs-version-gate";
import { RolloutPhaseGate } from "../gates/rollout-phase-gate";
import {
  appMetricsTrafficSource,
  colorsFromTracks,
} from "../gates/adapters/aws/app-metrics-traffic";
import { type RolloutController, settledRollouts } from "../rollouts/rollout-controller";
import { StandardGateSuite } from "../gates/standard-gate-suite";
import type { FleetStack } from "../fleet/fleet-stack";
import type { DriverSettings } from "../settings/driver-settings";
import { type Clock, systemClock, VirtualClock } from "../support/clock";
import type { Logger } from "../support/logger";
import { UserError } from "../support/user-error";
import { S3Bucket } from "../store/s3/s3-bucket";
import { s3ClientFor } from "../store/s3/s3-client";
import { locationBesideBackend } from "../store/store-location";
import type { PlaceArgs } from "./driver-places";

/** Where the engine is: flags win over the environment (see engine-profile.ts). */
export function withEngineOptions<T>(yargs: Argv<T>) {
  return yargs.option("pulumi", {
    type: "string",
    describe: "Pulumi CLI to use [env OUTPOST_FLEET_PULUMI; default .tools/bin/pulumi, then PATH]",
  });
}

/** `--timings FILE` on the commands that run a driver (deploy, resume). */
export function withTimingsOption<T>(yargs: Argv<T>) {
  return yargs.option("timings", {
    type: "string",
    describe:
      "Write where this driver's time went as JSON: wallMs, engineMs (engine calls in flight), driverMs (the rest), calls",
  });
}

export interface EngineArgs extends PlaceArgs {
  readonly pulumi?: string;
  /** Set by withTimingsOption. */
  readonly timings?: string;
}

/**
 * The real engine: Automation API on the project folder, on the profile's backend. On the
 * backend profile the stacks' passphrases must come from the environment, and an s3://
 * backend must answer before anything runs.
 */
export async function realEngine(
  profile: EngineProfile,
  args: EngineArgs,
  projectDir: string,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<EnginePort> {
  const cliEnv =
    args.pulumi !== undefined ? { ...env, OUTPOST_FLEET_PULUMI: path.resolve(args.pulumi) } : env;
  if (args.pulumi !== undefined) process.env.OUTPOST_FLEET_PULUMI = path.resolve(args.pulumi);
  let environment: PulumiEnvironment;
  try {
    environment =
      profile.kind === "local"
        ? pulumiEnvironment({ stateDir: profile.stateDir })
        : backendEnvironment({
            backendUrl: profile.source === "pulumi login" ? undefined : profile.backendUrl,
            env: cliEnv,
          });
  } catch (err) {
    throw new UserError(`cannot run the engine: ${(err as Error).message}`);
  }
  if (profile.kind === "backend") await checkS3Backend(profile.backendUrl, env);
  // Type checks belong to CI; every engine run would otherwise pay for them.
  environment.env.PULUMI_NODEJS_TRANSPILE_ONLY ??= env.PULUMI_NODEJS_TRANSPILE_ONLY ?? "true";
  return new AutomationApiEngine({
    workDir: projectDir,
    environment,
    command: await pulumiCommand(environment),
    clock: systemClock,
    log,
  });
}

/**
 * A wrong bucket or rejected credentials on an s3:// backend are a user's mistake: say so
 * (exit 2) before the engine runs, rather than as a Pulumi error in the middle of a release.
 */
async function checkS3Backend(backendUrl: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (!backendUrl.startsWith("s3://")) return;
  const state = locationBesideBackend(backendUrl, "probe");
  if (state?.kind !== "s3") return;
  const bucket = new S3Bucket(s3ClientFor(state, env), state, "the Pulumi backend");
  await bucket.probe();
}

/**
 * The release image's repository for the ECR scan gate: `app.imageRepository` of the stack's
 * merged config layers (config/layers), read through the engine like the policy config is.
 */
export function stackImageRepository(engine: Pick<EnginePort, "readConfig">): ImageRepositoryOf {
  return async (target) => {
    const stackConfig = await engine.readConfig(target.stack);
    return loadFleetConfig({
      ...stackLayerFromConfig(stackConfig),
      release: { version: target.release },
    }).app.imageRepository;
  };
}

/**
 * The real gates: HTTP probes everywhere; ELB, CloudWatch and Argo on the AWS target; the
 * staging test gates (integration, security, load; ECR scan on AWS) after a staging flip.
 * ELB and CloudWatch read with each stack's deploy role (its `aws:assumeRoles`): its load
 * balancers, alarms and metrics are in the stack's account. The ECR scan keeps the driver's
 * own credentials: the release image's repository is in the control account.
 */
export function realGates(
  settings: DriverSettings,
  engine: EnginePort,
  clock: Clock = systemClock,
): { gates: GateSuite; rollouts: RolloutController } {
  const stackCredentials = stackRoleCredentials(engine);
  const rollouts = kubernetesRolloutController(
    clusterRolloutApi((stack, outpost) => engine.kubeconfig(stack, outpost)),
  );
  const metricData = awsGetMetricData(stackCredentials);
  const appMetrics = appMetricsTrafficSource(metricData, () => clock.now());
  const gates = new StandardGateSuite({
    http: new HttpProbeGate(httpExchange, settings.analysis),
    candidateTraffic: new CandidateTrafficGate(
      {
        cloudwatch: cloudWatchTrafficSource(metricData, () => clock.now()),
        "app-metrics": colorsFromTracks(appMetrics),
        haproxy: haproxyTrafficSource(),
      },
      settings.analysis,
      appMetrics,
    ),
    outputsVersion: new OutputsVersionGate(),
    targetHealth: new ElbTargetHealthGate(awsTargetHealthReader(stackCredentials)),
    alarms: new CloudWatchAlarmGate(
      awsAlarmStateReader(stackCredentials),
      settings.analysis.evidence.floorAlarmPeriods,
    ),
    rollout: new RolloutPhaseGate(rollouts),
    integration: new IntegrationGate(httpExchange, settings.stagingTests.integration.checks),
    security: new SecurityGate(httpExchange, settings.stagingTests.security),
    ecrScan: new EcrScanGate(
      awsScanFindingsReader(),
      stackImageRepository(engine),
      settings.stagingTests.security.ecrScan.failAtSeverity,
    ),
    load: new LoadGate(settings.stagingTests.load, loadStopErrorsOf(settings.analysis)),
  });
  return { gates, rollouts };
}

/**
 * --dry-run: the same executor against an engine simulated from the stack files, gates that
 * pass and a clock that does not wait. Shows every operation a real run would make.
 */
export function simulatedRuntime(fleet: readonly FleetStack[]) {
  const clock = new VirtualClock(Date.now());
  const engine = new InMemoryEngine(
    fleet.map((stack) => ({
      name: stack.name,
      target: stack.target,
      release: stack.release,
      deployment: stack.deployment,
    })),
  );
  return {
    clock,
    engine,
    gates: { gatesFor: () => [] } satisfies GateSuite,
    rollouts: settledRollouts,
  };
}
