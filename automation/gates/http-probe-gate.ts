import pLimit from "p-limit";
import type { AnalysisSettings } from "../settings/driver-settings";
import { canaryJudgedByOwnTraffic } from "./canary-evidence";
import { analysisEvidence } from "./evidence/analysis-evidence";
import { fewestRequestsForEvidence } from "./evidence/evidence-settings";
import { SequentialEvidence } from "./evidence/sequential-evidence";
import {
  error,
  fail,
  type Figure,
  type Gate,
  type GateTarget,
  type Measurement,
  pass,
  pending,
} from "./gate";
import { type HttpExchange, TlsCertificateError } from "./adapters/http-exchange";

interface Sample {
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

/** Requests a probe keeps in flight at once. */
const PROBE_CONCURRENCY = 8;

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
 * Where the probe goes in each phase: the preview path (only the candidate answers there)
 * before the candidate takes production traffic; the Rollout's own Ingress ALB during the EKS
 * canary; the production endpoint otherwise. Undefined while the Ingress has no address yet.
 */
export function probeEndpoint(target: GateTarget): string | undefined {
  switch (target.phase) {
    case "verify":
      return target.outputs.previewEndpoint;
    case "canary":
      return target.outputs.rollout?.ingressEndpoint ?? undefined;
    case "shift":
    case "bake":
    case "test":
      return target.outputs.endpoint;
  }
}

/** The versions an answer may report: only the release on the preview path or after the flip. */
export function expectedVersions(target: GateTarget): string[] {
  // Staging tests run after the flip: only the release may answer.
  if (target.phase === "verify" || target.phase === "test") return [target.release];
  if (target.phase === "canary") return [target.release, target.previousVersion];
  const { activeColor, candidateWeight } = target.outputs;
  if (activeColor === target.candidateColor && candidateWeight === 0) return [target.release];
  if (candidateWeight > 0) return [target.release, target.previousVersion];
  return [target.previousVersion];
}

/**
 * The external probe: /health and /ready must answer 200 and every /version must report an
 * expected version. On the preview path (`verify`) every answer comes from the candidate, so
 * the probe also judges the candidate's error rate and latency from its own sample,
 * accumulated over the whole step, with the sequential test of evidence/sequential-evidence.ts
 * (errors, and answers slower than `maxP99Ms` as count data): it sends
 * `previewRequestsPerCheck` requests per check, passes once the evidence has shown the
 * candidate within the limits (never below the minimum sample) and fails as soon as it has
 * shown the opposite. During the EKS canary (`canary`) the same test judges the Rollout's
 * canary on the Ingress, on the answers that report the release (and every failed one), with
 * `previewRequestsPerCheck` per check, unless the canary's own traffic judges it
 * (canaryJudgedByOwnTraffic). In the other phases production traffic mixes both
 * colors; the candidate's own figures come from the candidate-traffic gate.
 */
export class HttpProbeGate implements Gate {
  readonly name = "http-probe";
  private readonly samples = new Map<string, Sample[]>();
  private readonly evidence = new Map<string, SequentialEvidence>();

  constructor(
    private readonly http: HttpExchange,
    private readonly settings: AnalysisSettings,
    private readonly paths: HttpProbePaths = DEFAULT_PATHS,
  ) {}

  begin(target: GateTarget): Promise<void> {
    this.samples.set(keyOf(target), []);
    this.evidence.delete(keyOf(target));
    return Promise.resolve();
  }

  async measure(target: GateTarget, signal: AbortSignal): Promise<Measurement> {
    const endpoint = probeEndpoint(target);
    if (endpoint === undefined) return pending("the Rollout's Ingress has no address yet");
    const base = baseUrl(endpoint);
    const expected = expectedVersions(target);
    const problems: string[] = [];
    let reached = 0;
    // The ALB is reached by its own name, its certificate names the service's domain.
    const serverName = target.outputs.serviceDomain ?? undefined;
    const refused: { tls?: TlsCertificateError } = {};
    const get = async (url: string) => {
      const outcome = await this.get(url, serverName, signal);
      if (outcome instanceof TlsCertificateError) {
        refused.tls ??= outcome;
        return undefined;
      }
      return outcome;
    };

    for (const path of [this.paths.health, this.paths.ready]) {
      const response = await get(`${base}${path}`);
      if (response === undefined) continue;
      reached++;
      if (response.status !== 200) problems.push(`GET ${path} answered ${response.status}`);
    }
    // The canary's own traffic judges it where the app publishes its metrics (canary-evidence.ts).
    const judged =
      target.phase === "verify" || (target.phase === "canary" && !canaryJudgedByOwnTraffic(target));
    const count = judged ? this.settings.previewRequestsPerCheck : this.settings.requestsPerCheck;
    const limit = pLimit(PROBE_CONCURRENCY);
    const checks = await Promise.all(
      Array.from({ length: count }, () =>
        limit(async () => {
          const response = await get(`${base}${this.paths.version}`);
          if (response === undefined)
            return { answered: false, ok: false, latencyMs: 0, version: undefined };
          const ok = response.status >= 200 && response.status < 300;
          const version = reportedVersion(response.body);
          return { answered: true, ok, latencyMs: response.latencyMs, version };
        }),
      ),
    );
    reached += checks.filter((c) => c.answered).length;
    const where =
      target.phase === "verify" ? "preview" : target.phase === "canary" ? "ingress" : "production";
    // A certificate clients would refuse fails the gate; it is never skipped as unreachable.
    if (refused.tls) return fail(`${refused.tls.message} (${where} ${base})`);
    if (reached === 0) return error(`${base} did not answer`);
    const wrong = checks.find(
      (c) => c.ok && (c.version === undefined || !expected.includes(c.version)),
    );
    if (wrong) {
      problems.push(
        `GET ${this.paths.version} reported ${wrong.version ?? "no version"}, expected ${expected.join(" or ")}`,
      );
    }

    const key = keyOf(target);
    const sample = [
      ...(this.samples.get(key) ?? []),
      // Through the Rollout's Ingress both versions answer: the canary's sample is the answers
      // that report the release, and every failed one (it names no version: counted against
      // the canary, so the test can only fail too early, never pass a bad canary).
      ...checks
        .filter((c) => target.phase !== "canary" || !c.ok || c.version === target.release)
        .map(({ ok, latencyMs }) => ({ ok, latencyMs })),
    ];
    this.samples.set(key, sample);
    const errors = sample.filter((s) => !s.ok).length;
    const p99 = percentile(
      sample.filter((s) => s.ok).map((s) => s.latencyMs),
      99,
    );
    const place = `${where} ${base}`;
    const latencyFigure: Figure = {
      name: "p99",
      value: Math.round(p99),
      unit: "ms",
      threshold: this.settings.maxP99Ms,
      limit: "max",
    };
    if (!judged) {
      const summary = `${place}: ${errors}/${sample.length} failed, p99 ${Math.round(p99)}ms`;
      const figures: Figure[] = [
        { name: "requests", value: sample.length, unit: "requests" },
        latencyFigure,
      ];
      if (problems.length > 0) return fail(`${problems[0]} (${summary})`, figures);
      return pass(summary, figures);
    }
    const settings = analysisEvidence(this.settings, { latency: true });
    let evidence = this.evidence.get(key);
    if (evidence === undefined) {
      evidence = new SequentialEvidence(settings);
      this.evidence.set(key, evidence);
    }
    const decision = evidence.observe({
      requests: sample.length,
      errors,
      slow: sample.filter((s) => s.ok && s.latencyMs > this.settings.maxP99Ms).length,
    });
    const figures: Figure[] = [...decision.figures, latencyFigure];
    const summary = `${place}: ${decision.detail}`;
    if (problems.length > 0) return fail(`${problems[0]} (${summary})`, figures);
    if (decision.verdict === "fail") return { ...fail(summary, figures), conclusive: true };
    if (decision.verdict === "continue") {
      const needed = fewestRequestsForEvidence(settings);
      return pending(
        `${summary}; ${sample.length} requests, a pass needs at least ${needed}`,
        figures,
      );
    }
    return { ...pass(summary, figures), conclusive: true };
  }

  /**
   * undefined when the request failed or was cancelled (counted as an error sample); the
   * certificate's failure when it did not hold for `serverName`.
   */
  private async get(url: string, serverName: string | undefined, signal: AbortSignal) {
    if (signal.aborted) return undefined;
    try {
      return await this.http.send(
        { method: "GET", url, headers: { accept: "application/json" }, serverName },
        signal,
      );
    } catch (err) {
      return err instanceof TlsCertificateError ? err : undefined;
    }
  }
}

function keyOf(target: GateTarget): string {
  return `${target.stack}/${target.outpost}:${target.phase}`;
}

function reportedVersion(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { version?: unknown };
    return typeof parsed.version === "string" ? parsed.version : undefined;
  } catch {
    return undefined;
  }
}
