import type { Color } from "../../contract";
import type { HealthCheck } from "../haproxy/haproxy-config";
import type { Tags } from "../tags";

/**
 * Inputs of one Outpost's HAProxy. All of them come from the Outpost's config and deployment
 * state, never from the stack-wide release: a targeted `up` of the Outpost sees all it needs.
 */
export interface BalancerInputs {
  readonly outpost: string;
  /** The color production traffic goes to; the other one is the candidate, behind the preview. */
  readonly activeColor: Color;
  readonly candidateWeight: number;
  /** What each color runs (for the policy pack). */
  readonly versions: Readonly<Record<Color, string>>;
  /** HAProxy backend name: the app's name. */
  readonly backend: string;
  /** Server slots declared per color (the Outpost's capacity.max). */
  readonly slotsPerColor: number;
  /** Ports of each color's pool processes, in slot order. */
  readonly ports: Readonly<Record<Color, readonly number[]>>;
  /** Traffic share per color, in percent. */
  readonly weights: Readonly<Record<Color, number>>;
  readonly healthCheck: HealthCheck;
  readonly runDir: string;
  readonly haproxyBin: string;
  /** Site tags: the balancer serves both colors, so it carries neither Color nor AppVersion. */
  readonly tags: Tags;
}

/** One slot as HAProxy last reported it. */
export interface AppliedSlot {
  readonly name: string;
  readonly port: number | null;
  readonly weight: number;
  readonly enabled: boolean;
  readonly serving: boolean;
}

export interface BalancerOutputs extends BalancerInputs {
  readonly frontendPort: number;
  readonly endpoint: string;
  /** Port of the preview frontend, kept for the stack's life like the main one. */
  readonly previewPort: number;
  /** `http://127.0.0.1:<previewPort>`: reaches only the candidate color, whatever the weights. */
  readonly previewEndpoint: string;
  /** The preview frontend's backend (previewBackendName in haproxy/haproxy-config.ts). */
  readonly previewBackend: string;
  /** Master pid; the process group holds the workers too. */
  readonly pid: number;
  readonly running: boolean;
  readonly socketPath: string;
  readonly configFile: string;
  /** `backend/server` names of every slot, by color: the local "target groups". */
  readonly servers: Readonly<Record<Color, readonly string[]>>;
  readonly applied: readonly AppliedSlot[];
  /** The preview backend's slots as HAProxy last reported them. */
  readonly previewApplied: readonly AppliedSlot[];
  /** Serving servers out of the enabled ones, by color, as of the last create/update/read. */
  readonly health: Readonly<Record<Color, { readonly up: number; readonly total: number }>>;
}
