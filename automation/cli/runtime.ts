import * as path from "node:path";
import type { Argv } from "yargs";
import { AutomationApiEngine } from "../engine/automation-api-engine";
import type { EnginePort } from "../engine/engine-port";
import { pulumiCommand, pulumiEnvironment } from "../engine/pulumi-environment";
import { InMemoryEngine } from "../engine/in-memory-engine";
import { awsAlarmStateReader, CloudWatchAlarmGate } from "../gates/cloudwatch-alarms";
import { awsTargetHealthReader, ElbTargetHealthGate } from "../gates/elb-target-health";
import type { GateSuite } from "../gates/gate";
import { fetchHttpClient } from "../gates/http-client";
import { HttpProbeGate } from "../gates/http-probe";
import { CandidateTrafficGate } from "../gates/candidate-traffic-gate";
import { awsGetMetricData, cloudWatchTrafficSource } from "../gates/cloudwatch-traffic";
import { haproxyTrafficSource } from "../gates/haproxy-traffic";
import {
  clusterRolloutApi,
  kubernetesRolloutController,
} from "../gates/kubernetes-rollout-controller";
import { OutputsVersionGate } from "../gates/outputs-version-gate";
import {
  type RolloutController,
  RolloutPhaseGate,
  settledRollouts,
} from "../gates/rollout-controller";
import { StandardGateSuite } from "../gates/standard-gate-suite";
import type { FleetStack } from "../fleet/fleet-stack";
import type { DriverSettings } from "../settings/driver-settings";
import { type Clock, systemClock, VirtualClock } from "../support/clock";
import type { Logger } from "../support/logger";
import { UserError } from "../support/user-error";

/** Where the engine is: flags win over the environment (see pulumiEnvironment()). */
export function withEngineOptions<T>(yargs: Argv<T>) {
  return yargs
    .option("state-dir", {
      type: "string",
      describe:
        "Pulumi file-backend folder [env OUTPOST_FLEET_STATE_DIR; default .pulumi-local/state]",
    })
    .option("pulumi", {
      type: "string",
      describe:
        "Pulumi CLI to use [env OUTPOST_FLEET_PULUMI; default .tools/bin/pulumi, then PATH]",
    });
}

export interface EngineArgs {
  readonly "state-dir"?: string;
  readonly pulumi?: string;
}

/** The real engine: Automation API on the project folder. Passphrase only from the environment. */
export async function realEngine(
  args: EngineArgs,
  projectDir: string,
  log: Logger,
): Promise<EnginePort> {
  if (args.pulumi !== undefined) process.env.OUTPOST_FLEET_PULUMI = path.resolve(args.pulumi);
  let environment;
  try {
    environment = pulumiEnvironment({ stateDir: args["state-dir"] });
  } catch (err) {
    throw new UserError(`cannot run the engine: ${(err as Error).message}`);
  }
  // Type checks belong to CI; every engine run would otherwise pay for them.
  environment.env.PULUMI_NODEJS_TRANSPILE_ONLY ??=
    process.env.PULUMI_NODEJS_TRANSPILE_ONLY ?? "true";
  return new AutomationApiEngine({
    workDir: projectDir,
    environment,
    command: await pulumiCommand(environment),
    clock: systemClock,
    log,
  });
}

/** The real gates: HTTP probes everywhere; ELB, CloudWatch and Argo on the AWS target. */
export function realGates(
  settings: DriverSettings,
  engine: EnginePort,
  clock: Clock = systemClock,
): { gates: GateSuite; rollouts: RolloutController } {
  const rollouts = kubernetesRolloutController(
    clusterRolloutApi((stack, outpost) => engine.kubeconfig(stack, outpost)),
  );
  const gates = new StandardGateSuite({
    http: new HttpProbeGate(fetchHttpClient, settings.analysis),
    candidateTraffic: new CandidateTrafficGate(
      {
        cloudwatch: cloudWatchTrafficSource(awsGetMetricData(), () => clock.now()),
        haproxy: haproxyTrafficSource(),
      },
      settings.analysis,
    ),
    outputsVersion: new OutputsVersionGate(),
    targetHealth: new ElbTargetHealthGate(awsTargetHealthReader()),
    alarms: new CloudWatchAlarmGate(awsAlarmStateReader()),
    rollout: new RolloutPhaseGate(rollouts),
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
