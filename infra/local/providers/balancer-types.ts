import type { Color } from "../../contract";
import type { HealthCheck } from "../haproxy/config";
import type { Tags } from "../tags";

/** Inputs of one Outpost's HAProxy. */
export interface BalancerInputs {
  readonly outpost: string;
  /** The active color, and the version it runs (plain fields for the policy pack). */
  readonly color: Color;
  readonly version: string;
  /** Same as color; the name the policy pack reads traffic state by. */
  readonly activeColor: Color;
  readonly candidateWeight: number;
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
  readonly tags: Tags;
  /** The stack's config fingerprint and release, carried for the policy pack. */
  readonly fingerprint: string;
  readonly releaseVersion: string;
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
  /** Master pid; the process group holds the workers too. */
  readonly pid: number;
  readonly running: boolean;
  readonly socketPath: string;
  readonly configFile: string;
  /** `backend/server` names of every slot, by color: the local "target groups". */
  readonly servers: Readonly<Record<Color, readonly string[]>>;
  readonly applied: readonly AppliedSlot[];
  /** Serving servers out of the enabled ones, by color, as of the last create/update/read. */
  readonly health: Readonly<Record<Color, { readonly up: number; readonly total: number }>>;
}
