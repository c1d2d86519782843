import { CanaryStepConfig } from "../config";
import { metricTrack } from "../contract";
import { appMetricsEnvironment } from "./app-metrics";
export { ROLLOUT_PAUSE_FLOORS_ANNOTATION } from "../contract";
import { OUTPOST_NODE_LABEL } from "./node-bootstrap";
import {
  RUNTIME_FINGERPRINT_ANNOTATION,
  RUNTIME_SETTINGS_KEY,
  runtimeConfigMapName,
} from "./runtime-config-map";

/** Everything the Rollout and its analysis need, as plain values. */
export interface RolloutSpecInput {
  readonly appName: string;
  readonly namespace: string;
  readonly outpost: string;
  readonly image: string;
  readonly version: string;
  readonly port: number;
  readonly healthPath: string;
  readonly readyPath: string;
  readonly replicas: number;
  readonly resources: {
    cpuRequest: string;
    memoryRequest: string;
    cpuLimit: string;
    memoryLimit: string;
  };
  readonly steps: readonly CanaryStepConfig[];
  readonly region: string;
  /** Fingerprint of the runtime settings in the ConfigMap (runtime-config-map.ts). */
  readonly runtimeFingerprint: string;
}

export interface RolloutNames {
  readonly rollout: string;
  readonly stableService: string;
  readonly canaryService: string;
  readonly ingress: string;
  readonly analysisTemplate: string;
}

export function rolloutNames(appName: string): RolloutNames {
  return {
    rollout: appName,
    stableService: `${appName}-stable`,
    canaryService: `${appName}-canary`,
    ingress: appName,
    analysisTemplate: `${appName}-success-rate`,
  };
}

/** "2m" -> 120 (the config schema allows \d+[smh]). */
function durationSeconds(text: string): number {
  const match = /^(\d+)([smh])$/.exec(text);
  if (match === null) throw new Error(`not a duration: ${text}`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as "s" | "m" | "h"];
}

/**
 * Argo canary steps from config, judged on evidence with the pauses as floors. Every pause
 * becomes indefinite (`pause: {}`, "If the duration field within the pause struct is omitted,
 * the rollout will pause indefinitely until resumed": https://argoproj.github.io/argo-rollouts/features/canary/),
 * so only the driver moves the Rollout on, and only once the canary's evidence has passed and
 * the configured duration (its floor, in the pause-floors annotation) has elapsed. A timed
 * pause would not do: it ends at its duration with no evidence at all, and a promote ends it
 * early whatever its duration. `analysis: true` steps are not run inline (each would add its
 * whole run, 4 x 30 s, to the canary); the same template runs in the background from the first
 * step instead (rolloutSpec), where a failure aborts the Rollout at once. `setCanaryScale`
 * passes through: with traffic routing it sizes the canary apart from its traffic weight
 * (https://argoproj.github.io/argo-rollouts/features/canary/, "Setting Canary Scale"). Pure.
 */
export function canarySteps(steps: readonly CanaryStepConfig[]): Record<string, unknown>[] {
  return steps.flatMap((step): Record<string, unknown>[] => {
    if ("setWeight" in step) return [{ setWeight: step.setWeight }];
    if ("pause" in step) return [{ pause: {} }];
    if ("setCanaryScale" in step)
      return [{ setCanaryScale: { weight: step.setCanaryScale.weight } }];
    return [];
  });
}

/**
 * The floor of each indefinite pause, by its index in the emitted steps: the duration the
 * config gave it (0 without one). The Rollout carries it as ROLLOUT_PAUSE_FLOORS_ANNOTATION,
 * a JSON object, for the driver (automation/rollouts/). Pure.
 */
export function pauseFloors(steps: readonly CanaryStepConfig[]): Record<string, number> {
  const floors: Record<string, number> = {};
  let index = 0;
  for (const step of steps) {
    if ("setWeight" in step || "setCanaryScale" in step) index++;
    else if ("pause" in step) {
      floors[String(index)] = step.pause.duration ? durationSeconds(step.pause.duration) : 0;
      index++;
    }
  }
  return floors;
}

/** Pure: the `spec` of an argoproj.io/v1alpha1 Rollout, canary through the ALB ingress. */
export function rolloutSpec(input: RolloutSpecInput): Record<string, unknown> {
  const names = rolloutNames(input.appName);
  const steps = canarySteps(input.steps);
  const firstWeight = steps.findIndex((step) => "setWeight" in step);
  const labels = { app: input.appName };
  const probe = (path: string) => ({
    httpGet: { path, port: input.port },
    periodSeconds: 5,
    failureThreshold: 3,
  });
  return {
    replicas: input.replicas,
    revisionHistoryLimit: 3,
    // A rollback to one of the last two revisions skips the steps and the analysis (Argo
    // Rollouts 1.4+, "Rollback Windows"): the driver's rollback of a finished canary puts the
    // image back, and the Rollout must return to it at once, not pause at 10% waiting for a
    // promote that never comes.
    rollbackWindow: { revisions: 2 },
    selector: { matchLabels: labels },
    template: {
      metadata: {
        labels: { ...labels, version: input.version },
        // A settings change changes the template, so Argo rolls the pods onto the new settings.
        annotations: { [RUNTIME_FINGERPRINT_ANNOTATION]: input.runtimeFingerprint },
      },
      spec: {
        nodeSelector: { [OUTPOST_NODE_LABEL]: input.outpost },
        containers: [
          {
            name: input.appName,
            image: input.image,
            ports: [{ name: "http", containerPort: input.port, protocol: "TCP" }],
            env: [
              { name: "APP_VERSION", value: input.version },
              { name: "OUTPOST", value: input.outpost },
              { name: "PORT", value: String(input.port) },
              // The SDK in the pod takes its Region from here, not from the node's metadata.
              { name: "AWS_REGION", value: input.region },
              ...Object.entries(
                appMetricsEnvironment(input.appName, metricTrack({ eksVersion: input.version })),
              ).map(([name, value]) => ({ name, value })),
              {
                name: "APP_RUNTIME_CONFIG",
                valueFrom: {
                  configMapKeyRef: {
                    name: runtimeConfigMapName(input.appName),
                    key: RUNTIME_SETTINGS_KEY,
                  },
                },
              },
            ],
            livenessProbe: probe(input.healthPath),
            readinessProbe: probe(input.readyPath),
            resources: {
              requests: { cpu: input.resources.cpuRequest, memory: input.resources.memoryRequest },
              limits: { cpu: input.resources.cpuLimit, memory: input.resources.memoryLimit },
            },
          },
        ],
      },
    },
    strategy: {
      canary: {
        canaryService: names.canaryService,
        stableService: names.stableService,
        // Keep the old ReplicaSet up for a while after promotion, so an abort is instant.
        scaleDownDelaySeconds: 300,
        abortScaleDownDelaySeconds: 30,
        trafficRouting: {
          alb: { ingress: names.ingress, servicePort: 80, rootService: input.appName },
        },
        steps,
        // Background analysis: it runs beside the steps from the first one and "a failed
        // analysis causes the rollout to abort"; the controller stops it once the Rollout has
        // run all its steps (https://argoproj.github.io/argo-rollouts/features/analysis/,
        // "Background Analysis").
        analysis: {
          templates: [{ templateName: names.analysisTemplate }],
          args: [{ name: "version", value: input.version }],
          // After the first setWeight: from there on the canary has traffic to judge (a
          // setCanaryScale before it only starts pods).
          startingStep: firstWeight < 0 ? 1 : firstWeight + 1,
        },
      },
    },
  };
}

/**
 * Pure: the AnalysisTemplate, run in the background of the canary. A web metric asks the
 * canary Service for /version every 30 s: the canary must answer, and answer with the version
 * being rolled out. Two failures abort the Rollout back to stable; errors (no answer) count the
 * same way. No `count`: a background run lasts until the Rollout has run its steps.
 */
export function analysisTemplateSpec(input: {
  appName: string;
  namespace: string;
  port: number;
  versionPath: string;
}): Record<string, unknown> {
  const names = rolloutNames(input.appName);
  return {
    args: [{ name: "version" }],
    metrics: [
      {
        name: "canary-serves-version",
        interval: "30s",
        failureLimit: 1,
        consecutiveErrorLimit: 2,
        successCondition: "result == '{{args.version}}'",
        provider: {
          web: {
            url: `http://${names.canaryService}.${input.namespace}.svc.cluster.local${input.versionPath}`,
            jsonPath: "{$.version}",
            timeoutSeconds: 5,
          },
        },
      },
    ],
  };
}
