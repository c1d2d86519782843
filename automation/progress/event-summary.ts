import type { Figure, GateSummary } from "../gates/gate-summary";
import type { Actor, JournalEvent } from "../journal/journal-events";

/** How a timeline row looks: ordinary progress, a warning, an error, or a detail (figures). */
export type Tone = "info" | "warn" | "error" | "ok" | "detail";

/** One line of the timeline: what happened and who made it happen. */
export interface TimelineEntry {
  readonly seq: number;
  readonly at: string;
  readonly type: JournalEvent["type"];
  readonly summary: string;
  /** `user@host` of the person or driver behind the event. */
  readonly actor: string;
  readonly tone: Tone;
}

export const actorName = (actor: Actor): string => `${actor.user}@${actor.host}`;

/** "error rate 0.4 % (max 1 %)" */
export function describeFigure(figure: Figure): string {
  const value = `${formatNumber(figure.value)}${figure.unit ? ` ${figure.unit}` : ""}`;
  if (figure.threshold === undefined) return `${figure.name} ${value}`;
  const limit = figure.limit === "min" ? "min" : "max";
  return `${figure.name} ${value} (${limit} ${formatNumber(figure.threshold)}${figure.unit ? ` ${figure.unit}` : ""})`;
}

/**
 * How one gate ended, on one line: "load pass: p95 4.6 ms (max 500 ms), ..." or, when it failed
 * or has no figures, its reason.
 */
export function describeGate(gate: GateSummary): string {
  const figures = gate.figures.map(describeFigure).join(", ");
  const shown = gate.verdict === "fail" || figures === "" ? gate.detail : figures;
  return `${gate.gate} ${gate.verdict}${shown ? `: ${shown}` : ""}`;
}

export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Math.round(value * 1000) / 1000);
}

/**
 * The timeline of one attempt: one entry per journal event from its `release-started` on. An
 * event without a `by` is the driver's doing: the one that started or last resumed the release.
 */
export function timelineOf(events: readonly JournalEvent[]): TimelineEntry[] {
  const start = events.map((e) => e.type).lastIndexOf("release-started");
  const entries: TimelineEntry[] = [];
  let driver = "driver";
  for (const event of start < 0 ? [] : events.slice(start)) {
    if (event.type === "release-started" || event.type === "resumed") driver = actorName(event.by);
    const by = "by" in event ? event.by : undefined;
    const actor = by === undefined ? driver : by === "policy" ? "policy" : actorName(by);
    entries.push({
      seq: event.seq,
      at: event.at,
      type: event.type,
      actor,
      ...describeEvent(event),
    });
  }
  return entries;
}

/** A readable sentence for one event, and its tone. Pure. */
export function describeEvent(event: JournalEvent): { summary: string; tone: Tone } {
  switch (event.type) {
    case "release-started":
      return {
        summary: `release ${event.plan.release} started (attempt ${event.attempt}): ${event.command}`,
        tone: "info",
      };
    case "preflight-passed":
      return { summary: `${event.stack}: preview with the policy packs passed`, tone: "ok" };
    case "preflight-blocked":
      return {
        summary: `${event.stack}: blocked by policy: ${event.violations.map((v) => `${v.policy}: ${v.message}`).join("; ")}`,
        tone: "error",
      };
    case "wave-approved":
      return { summary: `wave ${event.wave} approved`, tone: "info" };
    case "wave-started":
      return { summary: `wave ${event.wave} started`, tone: "info" };
    case "wave-completed":
      return { summary: `wave ${event.wave} completed`, tone: "ok" };
    case "step-started":
      return {
        summary: `${event.wave} batch ${event.batch}: ${event.step} started on ${event.stages.join(", ") || "(nothing to do)"}`,
        tone: "info",
      };
    case "step-completed":
      return { summary: `${event.wave} batch ${event.batch}: ${event.step} done`, tone: "ok" };
    case "stage-observed":
      return {
        summary:
          `${event.stage} after ${event.step}: ${event.activeColor} active, ` +
          `blue ${event.versions.blue} (weight ${event.weights.blue}), green ${event.versions.green} (weight ${event.weights.green})`,
        tone: "detail",
      };
    case "gate-evaluated":
      return {
        summary: `${event.stage} ${event.step} gates: ${event.gates
          .map(
            (g) =>
              `${g.gate} ${g.verdict}${g.figures.length ? ` [${g.figures.map(describeFigure).join(", ")}]` : ""}`,
          )
          .join("; ")}`,
        tone: event.gates.some((g) => g.verdict === "fail") ? "error" : "detail",
      };
    case "stage-failed":
      return { summary: `${event.stage} failed at ${event.step}: ${event.reason}`, tone: "error" };
    case "rollback-started":
      return {
        summary: `rollback (${event.scope}, ${event.cause}) of ${event.stages.join(", ") || "(config only)"}: ${event.reason}`,
        tone: "warn",
      };
    case "rollback-step-completed":
      return { summary: `rollback ${event.phase} done on ${event.stack}`, tone: "warn" };
    case "rollback-completed":
      return { summary: "rollback completed", tone: "warn" };
    case "rollback-failed":
      return { summary: `rollback incomplete: ${event.reason}`, tone: "error" };
    case "release-deployed":
      return { summary: "release deployed: every wave passed; finalize follows", tone: "ok" };
    case "finalize-started":
      return {
        summary: `finalize: old colors scale down after ${event.notBefore}`,
        tone: "info",
      };
    case "finalize-completed":
      return { summary: `${event.stack}: old color scaled down`, tone: "ok" };
    case "release-finished":
      return {
        summary: `release finished: ${event.outcome}${event.reason ? ` (${event.reason})` : ""}`,
        tone: event.outcome === "succeeded" ? "ok" : "error",
      };
    case "pause-requested":
      return { summary: "pause requested", tone: "warn" };
    case "abort-requested":
      return { summary: `abort requested: ${event.reason}`, tone: "warn" };
    case "rollback-requested":
      return { summary: `rollback requested: ${event.reason}`, tone: "warn" };
    case "promote-requested":
      return {
        summary: `promote requested for ${event.wave ? `wave ${event.wave}` : "the next wave"}`,
        tone: "info",
      };
    case "paused":
      return { summary: `paused before ${event.before}`, tone: "warn" };
    case "resumed":
      return { summary: "resumed", tone: "info" };
  }
}
