import type { AnalysisSettings } from "../settings/driver-settings";
import type { Clock } from "../support/clock";
import { error, fail, type Gate, type GateTarget, type Measurement, pass } from "./gate";
import type { HttpClient } from "./http-client";

interface Sample {
  readonly at: number;
  readonly ok: boolean;
  readonly latencyMs: number;
}

export interface HttpProbePaths {
  readonly health: string;
  readonly ready: string;
  readonly version: string;
}

export const DEFAULT_PATHS: HttpProbePaths = {
  health: "/health",
  ready: "/ready",
  version: "/version",
};

/** "nyc.elb.amazonaws.com" or "http://127.0.0.1:8080" -> a base URL without a trailing slash. */
export function baseUrl(endpoint: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`;
  return withScheme.replace(/\/+$/, "");
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Probes an Outpost's endpoint (from the stack outputs): /health and /ready must answer 200,
 * every /version must report an expected version (while traffic is split, old or new; after
 * the flip, only the release), and over a sliding window the error rate and p99 latency must
 * stay under the thresholds. Keeps one window per Outpost.
 */
export class HttpProbeGate implements Gate {
  readonly name = "http-probe";
  private readonly windows = new Map<string, Sample[]>();

  constructor(
    private readonly http: HttpClient,
    private readonly clock: Clock,
    private readonly settings: AnalysisSettings,
    private readonly paths: HttpProbePaths = DEFAULT_PATHS,
  ) {}

  async measure(target: GateTarget, signal: AbortSignal): Promise<Measurement> {
    const base = baseUrl(target.outputs.endpoint);
    const expected = this.expectedVersions(target);
    const problems: string[] = [];
    let reached = 0;

    for (const path of [this.paths.health, this.paths.ready]) {
      const response = await this.get(`${base}${path}`, signal);
      if (response === undefined) continue;
      reached++;
      if (response.status !== 200) problems.push(`GET ${path} answered ${response.status}`);
    }
    const samples: Sample[] = [];
    for (let i = 0; i < this.settings.requestsPerCheck; i++) {
      const response = await this.get(`${base}${this.paths.version}`, signal);
      if (response === undefined) {
        samples.push({ at: this.clock.now(), ok: false, latencyMs: 0 });
        continue;
      }
      reached++;
      const version = reportedVersion(response.body);
      const ok = response.status >= 200 && response.status < 300;
      samples.push({ at: this.clock.now(), ok, latencyMs: response.latencyMs });
      if (ok && (version === undefined || !expected.includes(version))) {
        problems.push(
          `GET ${this.paths.version} reported ${version ?? "no version"}, expected ${expected.join(" or ")}`,
        );
      }
    }
    if (reached === 0) return error(`${base} did not answer`);

    const window = this.window(target, samples);
    const errorRate = window.filter((s) => !s.ok).length / window.length;
    const p99 = percentile(
      window.filter((s) => s.ok).map((s) => s.latencyMs),
      99,
    );
    if (errorRate > this.settings.maxErrorRate) {
      problems.push(
        `error rate ${(errorRate * 100).toFixed(1)}% > ${(this.settings.maxErrorRate * 100).toFixed(1)}%`,
      );
    }
    if (p99 > this.settings.maxP99Ms)
      problems.push(`p99 ${Math.round(p99)}ms > ${this.settings.maxP99Ms}ms`);
    const summary = `${window.length} samples, error rate ${(errorRate * 100).toFixed(1)}%, p99 ${Math.round(p99)}ms`;
    return problems.length > 0 ? fail(`${problems[0]} (${summary})`) : pass(summary);
  }

  /** Only the release once it has all traffic; either while split; the old one before. */
  private expectedVersions(target: GateTarget): string[] {
    const { activeColor, candidateWeight } = target.outputs;
    if (activeColor === target.candidateColor && candidateWeight === 0) return [target.release];
    if (candidateWeight > 0) return [target.release, target.previousVersion];
    return [target.previousVersion];
  }

  private window(target: GateTarget, samples: readonly Sample[]): Sample[] {
    const key = `${target.stack}/${target.outpost}`;
    const since = this.clock.now() - this.settings.windowSeconds * 1000;
    const window = [...(this.windows.get(key) ?? []), ...samples].filter((s) => s.at >= since);
    this.windows.set(key, window);
    return window;
  }

  /** undefined when the request failed or was cancelled (counted as an error sample). */
  private async get(url: string, signal: AbortSignal) {
    if (signal.aborted) return undefined;
    try {
      return await this.http.get(url, signal);
    } catch {
      return undefined;
    }
  }
}

function reportedVersion(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { version?: unknown };
    return typeof parsed.version === "string" ? parsed.version : undefined;
  } catch {
    return undefined;
  }
}
