import type { AnalysisSettings } from "../settings/driver-settings";
import type { Clock } from "../support/clock";
import { error, type Gate, type GateTarget, type Measurement } from "./gate";
import type { GateSummary } from "./gate-summary";

export type AnalysisResult =
  | { readonly ok: true; readonly measurements: number; readonly gates: readonly GateSummary[] }
  | {
      readonly ok: false;
      readonly gate: string;
      readonly reason: string;
      readonly gates: readonly GateSummary[];
    };

/** For gates started without a signal: one that never aborts. */
const NEVER = new AbortController().signal;

interface Tally {
  consecutiveSuccesses: number;
  failures: number;
  consecutiveErrors: number;
  last: Measurement;
}

/**
 * How long an analysis runs. `until-healthy` passes once every gate is healthy and at least
 * `floorMs` (and every floor a gate reports, Measurement.floorMs) has passed, and fails closed
 * at `ms`; `for-duration` measures for `ms` and passes if nothing broke.
 */
export interface AnalysisMode {
  readonly kind: "until-healthy" | "for-duration";
  readonly ms: number;
  readonly floorMs?: number;
}

/**
 * Runs gates the way an Argo Rollouts AnalysisRun does: measure every interval, fail once a gate
 * has more failures than `failureLimit` or more errors in a row than `consecutiveErrorLimit`,
 * or at once on a conclusive fail (a sequential test's decision). A gate is healthy after
 * `consecutiveSuccesses` passes in a row, or one conclusive pass. `signal` aborts it between
 * and during measurements.
 */
export async function runAnalysis(
  gates: readonly Gate[],
  target: GateTarget,
  mode: AnalysisMode,
  policy: AnalysisSettings,
  clock: Clock,
  signal?: AbortSignal,
): Promise<AnalysisResult> {
  const started = clock.now();
  const tallies = new Map<Gate, Tally>();
  let floorMs = mode.floorMs ?? 0;
  let measurements = 0;
  const summaries = (failed?: Gate): GateSummary[] =>
    gates.map((gate) => {
      const last = tallies.get(gate)?.last;
      return {
        gate: gate.name,
        verdict: gate === failed ? "fail" : "pass",
        detail: last?.detail ?? "",
        figures: last?.figures ?? [],
      };
    });
  for (const gate of gates) {
    try {
      await gate.begin?.(target, signal ?? NEVER);
    } catch (err) {
      const reason = `could not start: ${(err as Error).message ?? String(err)}`;
      return { ok: false, gate: gate.name, reason, gates: summaries(gate) };
    }
  }
  for (;;) {
    signal?.throwIfAborted();
    const results = await Promise.all(
      gates.map(
        async (gate) => [gate, await measureOnce(gate, target, policy, clock, signal)] as const,
      ),
    );
    measurements++;
    for (const [gate, measurement] of results) {
      const tally = tallies.get(gate) ?? {
        consecutiveSuccesses: 0,
        failures: 0,
        consecutiveErrors: 0,
        last: measurement,
      };
      tally.last = measurement;
      tally.consecutiveSuccesses =
        measurement.verdict !== "pass"
          ? 0
          : measurement.conclusive === true
            ? Math.max(policy.consecutiveSuccesses, tally.consecutiveSuccesses + 1)
            : tally.consecutiveSuccesses + 1;
      floorMs = Math.max(floorMs, measurement.floorMs ?? 0);
      tally.consecutiveErrors = measurement.verdict === "error" ? tally.consecutiveErrors + 1 : 0;
      if (measurement.verdict === "fail") tally.failures++;
      tallies.set(gate, tally);
      if (measurement.verdict === "fail" && measurement.conclusive === true) {
        return {
          ok: false,
          gate: gate.name,
          reason: measurement.detail,
          gates: summaries(gate),
        };
      }
      if (tally.failures > policy.failureLimit) {
        return {
          ok: false,
          gate: gate.name,
          reason: `${tally.failures} failed measurement(s), limit ${policy.failureLimit}: ${measurement.detail}`,
          gates: summaries(gate),
        };
      }
      if (tally.consecutiveErrors > policy.consecutiveErrorLimit) {
        return {
          ok: false,
          gate: gate.name,
          reason: `${tally.consecutiveErrors} errors in a row, limit ${policy.consecutiveErrorLimit}: ${measurement.detail}`,
          gates: summaries(gate),
        };
      }
    }
    const elapsed = clock.now() - started;
    if (mode.kind === "until-healthy") {
      const healthy = gates.every(
        (g) => (tallies.get(g)?.consecutiveSuccesses ?? 0) >= policy.consecutiveSuccesses,
      );
      if (healthy && elapsed >= floorMs) return { ok: true, measurements, gates: summaries() };
      if (elapsed >= mode.ms) {
        const laggard = gates.find(
          (g) => (tallies.get(g)?.consecutiveSuccesses ?? 0) < policy.consecutiveSuccesses,
        );
        const last = laggard ? tallies.get(laggard)?.last : undefined;
        const after = `after ${Math.round(mode.ms / 1000)}s`;
        return {
          ok: false,
          gate: laggard?.name ?? "analysis",
          // A gate still waiting for evidence fails closed, saying how much it had.
          reason:
            last?.verdict === "pending"
              ? `too little evidence ${after} (fails closed): ${last.detail}`
              : `not healthy ${after}: ${last?.detail ?? ""}`,
          gates: summaries(laggard),
        };
      }
    } else if (elapsed >= mode.ms) {
      return { ok: true, measurements, gates: summaries() };
    }
    // Never sleep past the floor or the deadline by more than the interval.
    const until = mode.kind === "until-healthy" && elapsed < floorMs ? floorMs : mode.ms;
    await clock.sleep(
      Math.min(policy.intervalSeconds * 1000, Math.max(1, until - elapsed)),
      signal,
    );
  }
}

/** One measurement, bounded by the probe timeout; a thrown error or a timeout is an `error`. */
export function measureOnce(
  gate: Gate,
  target: GateTarget,
  policy: Pick<AnalysisSettings, "probeTimeoutSeconds">,
  clock: Clock,
  signal?: AbortSignal,
): Promise<Measurement> {
  const timeoutMs = policy.probeTimeoutSeconds * 1000;
  return measureWithin(gate, target, clock, {
    timeoutMs,
    timedOut: `timed out after ${timeoutMs}ms`,
    ...(signal ? { signal } : {}),
  });
}

/**
 * One measurement within `timeoutMs` (then `error(timedOut)`); a thrown error is an `error` too.
 * The caller's `signal`, when given, cancels it as well.
 */
export async function measureWithin(
  gate: Gate,
  target: GateTarget,
  clock: Clock,
  bound: { readonly timeoutMs: number; readonly timedOut: string; readonly signal?: AbortSignal },
): Promise<Measurement> {
  const { signal } = bound;
  const controller = new AbortController();
  const cancel = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", cancel, { once: true });
  const timedOut = clock.sleep(bound.timeoutMs, controller.signal).then(
    () => error(bound.timedOut),
    () => error(`${gate.name} cancelled`),
  );
  try {
    return await Promise.race([
      gate
        .measure(target, controller.signal)
        .catch((err: unknown) => error(`${gate.name}: ${(err as Error).message ?? String(err)}`)),
      timedOut,
    ]);
  } finally {
    signal?.removeEventListener("abort", cancel);
    controller.abort(new Error("measurement finished"));
  }
}
