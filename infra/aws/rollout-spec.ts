import { CanaryStepConfig } from "../config";
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

/** Argo canary steps from config; `analysis: true` runs the success-rate template inline. */
export function canarySteps(
  steps: readonly CanaryStepConfig[],
  analysisTemplate: string,
  version: string,
): Record<string, unknown>[] {
  return steps.map((step) => {
    if ("setWeight" in step) return { setWeight: step.setWeight };
    if ("pause" in step)
      return { pause: step.pause.duration ? { duration: step.pause.duration } : {} };
    return {
      analysis: {
        templates: [{ templateName: analysisTemplate }],
        args: [{ name: "version", value: version }],
      },
    };
  });
}

/** Pure: the `spec` of an argoproj.io/v1alpha1 Rollout, canary through the ALB ingress. */
export function rolloutSpec(input: RolloutSpecInput): Record<string, unknown> {
  const names = rolloutNames(input.appName);
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
        steps: canarySteps(input.steps, names.analysisTemplate, input.version),
      },
    },
  };
}

/**
 * Pure: the AnalysisTemplate. A web metric asks the canary Service for /version every 30 s:
 * the canary must answer, and answer with the version being rolled out. Two failures abort
 * the Rollout back to stable; errors (no answer) count the same way.
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
        count: 4,
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
