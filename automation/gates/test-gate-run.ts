import type { TestRunSettings } from "../settings/staging-test-settings";
import type { Clock } from "../support/clock";
import { type AnalysisResult, measureWithin } from "./analysis";
import type { GateSummary } from "./gate-summary";
import type { Gate, GateTarget } from "./gate";

/** A gate whose measurement takes a known time (the load test): bounded by it plus a margin. */
export interface TimedGate extends Gate {
  expectedSeconds(target: GateTarget): number;
}

const isTimed = (gate: Gate): gate is TimedGate =>
  typeof (gate as Partial<TimedGate>).expectedSeconds === "function";

export const DEFAULT_TEST_RUN: TestRunSettings = {
  timeoutSeconds: 60,
  loadMarginSeconds: 30,
  pendingRetrySeconds: 10,
  pendingTimeoutSeconds: 900,
};

/**
 * Runs a staging Outpost's test gates one after the other (the load test must not share the
 * machine with the others), each measured once: `pass` moves on, `fail` or `error` fails the
 * run, `pending` (an image scan still running) is asked again every `pendingRetrySeconds` up to
 * `pendingTimeoutSeconds`. The summaries cover every gate run so far.
 */
export async function runTestGates(
  gates: readonly Gate[],
  target: GateTarget,
  clock: Clock,
  signal?: AbortSignal,
  settings: TestRunSettings = DEFAULT_TEST_RUN,
): Promise<AnalysisResult> {
  const summaries: GateSummary[] = [];
  let measurements = 0;
  for (const gate of gates) {
    signal?.throwIfAborted();
    try {
      await gate.begin?.(target, signal ?? new AbortController().signal);
    } catch (err) {
      const reason = `could not start: ${(err as Error).message ?? String(err)}`;
      summaries.push({ gate: gate.name, verdict: "fail", detail: reason, figures: [] });
      return { ok: false, gate: gate.name, reason, gates: summaries };
    }
    const timeoutMs =
      (isTimed(gate)
        ? gate.expectedSeconds(target) + settings.loadMarginSeconds
        : settings.timeoutSeconds) * 1000;
    const started = clock.now();
    for (;;) {
      const measurement = await measureWithin(gate, target, clock, {
        timeoutMs,
        timedOut: `${gate.name} timed out after ${Math.round(timeoutMs / 1000)}s`,
        signal,
      });
      measurements++;
      signal?.throwIfAborted();
      const summary = (verdict: "pass" | "fail", detail = measurement.detail): GateSummary => ({
        gate: gate.name,
        verdict,
        detail,
        figures: measurement.figures ?? [],
      });
      if (measurement.verdict === "pass") {
        summaries.push(summary("pass"));
        break;
      }
      if (measurement.verdict === "fail" || measurement.verdict === "error") {
        const reason =
          measurement.verdict === "error"
            ? `could not test: ${measurement.detail}`
            : measurement.detail;
        summaries.push(summary("fail", reason));
        return { ok: false, gate: gate.name, reason, gates: summaries };
      }
      const waited = clock.now() - started;
      if (waited >= settings.pendingTimeoutSeconds * 1000) {
        const reason = `still pending after ${Math.round(waited / 1000)}s: ${measurement.detail}`;
        summaries.push(summary("fail", reason));
        return { ok: false, gate: gate.name, reason, gates: summaries };
      }
      await clock.sleep(settings.pendingRetrySeconds * 1000, signal);
    }
  }
  return { ok: true, measurements, gates: summaries };
}
