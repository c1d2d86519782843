import type { Color, OutpostDeploymentState } from "../../infra/contract";
import type { Clock } from "../../automation/support/clock";
import type { ApiScope } from "./aws-api-quotas";
import type { StackModel, StepTimes } from "./aws-step-times";

/** One color's instances on an Outpost, as AWS has them. */
interface ColorFleet {
  version: string;
  /** Scaled up (min/desired above 0). */
  warm: boolean;
  /** When the instances launched for this version are InService, and healthy in the target group. */
  inServiceAt: number;
  healthyAt: number;
}

/** The production listener's weights from `at` on (percent per color). */
interface WeightChange {
  readonly at: number;
  readonly weights: Readonly<Record<Color, number>>;
}

/** One Outpost's ALB, target groups and instances over (virtual) time. */
export interface OutpostSite {
  readonly stack: string;
  readonly outpost: string;
  readonly scope: ApiScope;
  readonly model: StackModel;
  readonly colors: Record<Color, ColorFleet>;
  readonly weights: WeightChange[];
  /** Outpost-milliseconds with both colors warm, and since when the idle one is. */
  twoColorMs: number;
  bothWarmSince: number | undefined;
}

/** Per-version behaviour of the app: the share of 5xx answers (a good release: 0). */
export type ErrorRateOf = (version: string) => number;

/**
 * The physical side of the simulated fleet: what AWS would have at each instant, driven by
 * the modelled engine (launches, scale-downs, listener weights) and read by the simulated
 * ELB, CloudWatch and HTTP. Traffic is a fluid: `requestsPerSecond` per Outpost split by the
 * listener weights, so a window's counts are exact integrals, the same on every run.
 */
export class OutpostWorld {
  private readonly sites = new Map<string, OutpostSite>();

  constructor(
    private readonly clock: Clock,
    readonly times: StepTimes,
    private readonly errorRateOf: ErrorRateOf = () => 0,
  ) {}

  /** An Outpost as the release finds it: its baseline deployment state, instances long healthy. */
  add(
    stack: string,
    outpost: string,
    state: OutpostDeploymentState,
    scope: ApiScope,
    model: StackModel,
  ): void {
    const fleet = (version: string, warm: boolean): ColorFleet => ({
      version,
      warm,
      inServiceAt: Number.NEGATIVE_INFINITY,
      healthyAt: Number.NEGATIVE_INFINITY,
    });
    const idle: Color = state.activeColor === "blue" ? "green" : "blue";
    const weights = { blue: 0, green: 0 };
    weights[state.activeColor] = 100 - state.candidateWeight;
    weights[idle] = state.candidateWeight;
    this.sites.set(`${stack}/${outpost}`, {
      stack,
      outpost,
      scope,
      model,
      colors: {
        blue: fleet(state.blueVersion, state.activeColor === "blue" || state.idleWarm),
        green: fleet(state.greenVersion, state.activeColor === "green" || state.idleWarm),
      },
      weights: [{ at: this.clock.now(), weights }],
      twoColorMs: 0,
      bothWarmSince: state.idleWarm ? this.clock.now() : undefined,
    });
  }

  site(stack: string, outpost: string): OutpostSite {
    const site = this.sites.get(`${stack}/${outpost}`);
    if (site === undefined) throw new Error(`no simulated Outpost ${stack}/${outpost}`);
    return site;
  }

  allSites(): OutpostSite[] {
    return [...this.sites.values()];
  }

  /** A color's group updated to `version` and scaled up now: InService, then healthy, later. */
  launch(stack: string, outpost: string, color: Color, version: string): number {
    const site = this.site(stack, outpost);
    const now = this.clock.now();
    const inServiceAt = now + this.times.instanceReadyS * 1000;
    site.colors[color] = {
      version,
      warm: true,
      inServiceAt,
      // Registered once InService; healthy after healthyThreshold checks interval apart.
      healthyAt: inServiceAt + site.model.healthyAfterS * 1000,
    };
    this.noteWarmth(site);
    return inServiceAt;
  }

  scaleDown(stack: string, outpost: string, color: Color): void {
    const site = this.site(stack, outpost);
    site.colors[color] = { ...site.colors[color], warm: false };
    this.noteWarmth(site);
  }

  setWeights(stack: string, outpost: string, weights: Readonly<Record<Color, number>>): void {
    this.site(stack, outpost).weights.push({ at: this.clock.now(), weights: { ...weights } });
  }

  /** The production listener's weights now. */
  weightsNow(stack: string, outpost: string): Readonly<Record<Color, number>> {
    const history = this.site(stack, outpost).weights;
    return history[history.length - 1].weights;
  }

  /** Requests the color's target group served in [from, to) (ms), by the listener weights. */
  requests(stack: string, outpost: string, color: Color, from: number, to: number): number {
    const history = this.site(stack, outpost).weights;
    let total = 0;
    for (let i = 0; i < history.length; i++) {
      const start = Math.max(from, history[i].at);
      const end = Math.min(
        to,
        i + 1 < history.length ? history[i + 1].at : Number.POSITIVE_INFINITY,
      );
      if (end > start) {
        total +=
          ((end - start) / 1000) * this.times.requestsPerSecond * (history[i].weights[color] / 100);
      }
    }
    return total;
  }

  /** 5xx answers of the color in [from, to): its requests times its version's error rate. */
  errors(stack: string, outpost: string, color: Color, from: number, to: number): number {
    const version = this.site(stack, outpost).colors[color].version;
    return this.requests(stack, outpost, color, from, to) * this.errorRateOf(version);
  }

  errorRate(version: string): number {
    return this.errorRateOf(version);
  }

  /** Outpost-hours with both colors warm, up to now. */
  twoColorHours(): number {
    let ms = 0;
    for (const site of this.sites.values()) {
      ms += site.twoColorMs;
      if (site.bothWarmSince !== undefined) ms += this.clock.now() - site.bothWarmSince;
    }
    return ms / 3_600_000;
  }

  private noteWarmth(site: OutpostSite): void {
    const both = site.colors.blue.warm && site.colors.green.warm;
    const now = this.clock.now();
    if (both && site.bothWarmSince === undefined) site.bothWarmSince = now;
    if (!both && site.bothWarmSince !== undefined) {
      site.twoColorMs += now - site.bothWarmSince;
      site.bothWarmSince = undefined;
    }
  }
}
