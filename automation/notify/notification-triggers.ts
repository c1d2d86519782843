import { createHash } from "node:crypto";
import type { GateSummary } from "../gates/gate-summary";
import { type ApprovalPolicy, waveAwaitingApproval } from "../progress/approval-wait";
import type { JournalEvent } from "../journal/journal-events";
import { replay } from "../progress/release-progress";
import { type ColorSplit, splitOf, TrafficTracker } from "../progress/stage-traffic";
import { consistencyText, judgeConsistency } from "../operations/fleet-consistency";
import { servedVersionsFromJournal } from "../progress/served-versions";
import { allStages, type RolloutPlan, type Stage } from "../plan/plan-types";
import { actorName, describeFigure } from "../progress/event-summary";
import type { Notification, OutpostRef, Severity, Trigger } from "./notification";

export interface TriggerContext {
  /** AWS region of each stack. */
  readonly regions: Readonly<Record<string, string | undefined>>;
  /** The approval policy the driver runs with (for "waiting for approval"). */
  readonly approval: ApprovalPolicy;
  readonly runUrl: string | null;
  /** Whether a freeze window is active at this time (a frozen wave pauses instead of waiting). */
  readonly frozenAt: (timeMs: number) => boolean;
}

/** The same occurrence always gets the same key: release, attempt, journal seq, trigger, gate. */
export function idempotencyKey(parts: readonly (string | number)[]): string {
  return createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 32);
}

const SEVERITY_OF_OUTCOME = {
  succeeded: "success",
  "rolled-back": "warning",
  aborted: "warning",
  blocked: "warning",
  "rollback-incomplete": "error",
} as const;

/**
 * Turns the journal, event by event, into notifications: release started, wave started and
 * completed, each failed gate, rollback started / completed / failed, paused, waiting for
 * approval, release finished. Feed it every event in order (`observe`); it keeps what it needs
 * (the plan, the traffic of every Outpost, who asked for what) and is deterministic.
 */
export class NotificationTracker {
  private events: JournalEvent[] = [];
  private plan: RolloutPlan | undefined;
  private stages = new Map<string, Stage>();
  private attempt = 0;
  private driver: string | null = null;
  private traffic = new TrafficTracker();
  /** Each stage's split before the step that last changed it, by step. */
  private beforeStep = new Map<string, { step: string; split: ColorSplit | null }>();
  private beforeRollback = new Map<string, ColorSplit | null>();
  private requester: { pause: string | null; stop: string | null } = { pause: null, stop: null };
  private awaited = new Set<string>();

  constructor(private readonly context: TriggerContext) {}

  /** The seq of the last event observed (0 before any). */
  get lastSeq(): number {
    return this.events.at(-1)?.seq ?? 0;
  }

  observe(event: JournalEvent): Notification[] {
    this.events.push(event);
    if (event.type === "stage-observed") {
      this.beforeStep.set(event.stage, {
        step: event.step,
        split: this.traffic.get(event.stage)?.split ?? null,
      });
    }
    if (event.type === "rollback-started") {
      for (const stage of event.stages)
        this.beforeRollback.set(stage, this.traffic.get(stage)?.split ?? null);
    }
    this.traffic.apply(event);
    switch (event.type) {
      case "release-started":
        this.plan = event.plan;
        this.stages = new Map(allStages(event.plan).map((s) => [s.id, s]));
        this.attempt = event.attempt;
        this.driver = actorName(event.by);
        this.beforeStep.clear();
        this.beforeRollback.clear();
        this.requester = { pause: null, stop: null };
        return [
          this.make(event, "release-started", "info", {
            title: `release ${event.plan.release} started (attempt ${event.attempt}): waves ${event.plan.waves.map((w) => w.name).join(", ")}`,
            actor: actorName(event.by),
          }),
        ];
      case "resumed":
        this.driver = actorName(event.by);
        return this.approvalWait(event);
      case "preflight-passed":
      case "wave-completed":
        return [
          ...(event.type === "wave-completed"
            ? [
                this.make(event, "wave-completed", "success", {
                  title: `release ${this.release}: wave ${event.wave} completed`,
                  ...this.waveFields(event.wave),
                }),
              ]
            : []),
          ...this.approvalWait(event),
        ];
      case "wave-started":
        return [
          this.make(event, "wave-started", "info", {
            title: `release ${this.release}: wave ${event.wave} started`,
            ...this.waveFields(event.wave),
          }),
        ];
      case "gate-evaluated":
        return event.gates
          .filter((gate) => gate.verdict === "fail")
          .map((gate) => this.gateFailed(event, gate));
      case "pause-requested":
        this.requester.pause = actorName(event.by);
        return [];
      case "abort-requested":
      case "rollback-requested":
        this.requester.stop = actorName(event.by);
        return [];
      case "rollback-started": {
        const outposts = event.stages.map((stage) =>
          this.outpostRef(stage, this.beforeRollback.get(stage) ?? null, this.restoredSplit(stage)),
        );
        const byOperator = event.cause === "abort" || event.cause === "rollback";
        return [
          this.make(event, "rollback-started", "warning", {
            title: `release ${this.release}: rollback (${event.scope}) of ${event.stages.length} Outpost(s): ${event.reason}`,
            reason: event.reason,
            outposts,
            actor: byOperator ? (this.requester.stop ?? this.driver) : this.driver,
            ...this.single(outposts),
          }),
        ];
      }
      case "rollback-completed":
      case "rollback-failed": {
        const rollback = replay(this.events)?.rollback;
        const outposts = (rollback?.stages ?? []).map((stage) =>
          this.outpostRef(
            stage,
            this.beforeRollback.get(stage) ?? null,
            this.traffic.get(stage)?.split ?? null,
          ),
        );
        const failed = event.type === "rollback-failed";
        return [
          this.make(event, event.type, failed ? "error" : "warning", {
            title: failed
              ? `release ${this.release}: rollback incomplete: ${event.reason}`
              : `release ${this.release}: rollback completed (${outposts.length} Outpost(s) back)`,
            reason: failed ? event.reason : (rollback?.reason ?? null),
            outposts,
            ...this.single(outposts),
          }),
        ];
      }
      case "paused": {
        const actor = this.requester.pause ?? this.driver;
        this.requester.pause = null;
        return [
          this.make(event, "paused", "warning", {
            title: `release ${this.release}: paused before ${event.before}`,
            reason: `paused before ${event.before}`,
            actor,
          }),
        ];
      }
      case "release-finished": {
        const fleet = judgeConsistency(servedVersionsFromJournal(this.events), {
          release: this.release,
          state: "finished",
          outcome: event.outcome,
        });
        const split = fleet.kind === "split" ? consistencyText(fleet) : undefined;
        return [
          this.make(event, "release-finished", SEVERITY_OF_OUTCOME[event.outcome], {
            title:
              `release ${this.release} finished: ${event.outcome}${event.reason ? ` (${event.reason})` : ""}` +
              (split ? `; ${split}` : ""),
            outcome: event.outcome,
            reason: event.reason ?? null,
            ...(split ? { splitFleet: split } : {}),
          }),
        ];
      }
      default:
        return [];
    }
  }

  private get release(): string {
    return this.plan?.release ?? "?";
  }

  private gateFailed(
    event: Extract<JournalEvent, { type: "gate-evaluated" }>,
    gate: GateSummary,
  ): Notification {
    const before = this.beforeStep.get(event.stage);
    const after = this.traffic.get(event.stage)?.split ?? null;
    const ref = this.outpostRef(
      event.stage,
      before?.step === event.step ? before.split : after,
      after,
    );
    const figures = gate.figures.map(describeFigure).join(", ");
    return this.make(event, "gate-failed", "error", {
      title: `release ${this.release}: gate ${gate.gate} failed on ${event.stage} at ${event.step}${figures ? `: ${figures}` : ""}`,
      wave: event.wave,
      step: event.step,
      gate: { name: gate.gate, verdict: gate.verdict, detail: gate.detail, figures: gate.figures },
      reason: gate.detail,
      outposts: [ref],
      ...this.single([ref]),
      extraKey: gate.gate,
    });
  }

  /** "Waiting for approval", once per wave and attempt, when the driver is about to wait. */
  private approvalWait(event: JournalEvent): Notification[] {
    const progress = replay(this.events);
    if (!progress) return [];
    const wave = waveAwaitingApproval(progress, this.context.approval);
    if (wave === undefined || this.context.frozenAt(Date.parse(event.at))) return [];
    const key = `${this.attempt}:${wave}`;
    if (this.awaited.has(key)) return [];
    this.awaited.add(key);
    return [
      this.make(event, "waiting-for-approval", "info", {
        title: `release ${this.release}: wave ${wave} waits for approval (outpost-fleet promote --wave ${wave})`,
        ...this.waveFields(wave),
        // One notification per wave and attempt, whichever event revealed the wait.
        keyParts: [this.release, this.attempt, "waiting-for-approval", wave],
      }),
    ];
  }

  private waveFields(wave: string): { wave: string; region: string | null } {
    const regions = new Set(
      (this.plan?.waves.find((w) => w.name === wave)?.stages ?? []).map(
        (s) => this.context.regions[s.stack] ?? null,
      ),
    );
    return { wave, region: regions.size === 1 ? [...regions][0] : null };
  }

  private restoredSplit(stageId: string): ColorSplit | null {
    const stage = this.stages.get(stageId);
    const progress = stage ? replay(this.events) : undefined;
    const baseline = stage && progress?.baselines[stage.stack]?.deployment[stage.outpost];
    return baseline ? splitOf(baseline.activeColor, 0) : null;
  }

  private outpostRef(
    stageId: string,
    before: ColorSplit | null,
    after: ColorSplit | null,
  ): OutpostRef {
    const stage = this.stages.get(stageId);
    const [stack, outpost] = stageId.split("/");
    return {
      stage: stageId,
      stack: stage?.stack ?? stack,
      outpost: stage?.outpost ?? outpost,
      ring: stage?.ring ?? 0,
      region: this.context.regions[stage?.stack ?? stack] ?? null,
      weights: { before, after },
    };
  }

  /** The Outpost fields of a notification about exactly one Outpost. */
  private single(outposts: readonly OutpostRef[]): Partial<Notification> {
    if (outposts.length !== 1) return {};
    const [ref] = outposts;
    const wave = this.plan?.waves.find((w) => w.stages.some((s) => s.id === ref.stage))?.name;
    return {
      wave: wave ?? null,
      region: ref.region,
      stack: ref.stack,
      outpost: ref.outpost,
      ring: ref.ring,
      weights: ref.weights,
    };
  }

  private make(
    event: JournalEvent,
    trigger: Trigger,
    severity: Severity,
    fields: Partial<Notification> & {
      readonly title: string;
      readonly extraKey?: string;
      readonly keyParts?: readonly (string | number)[];
    },
  ): Notification {
    const { extraKey, keyParts, ...rest } = fields;
    return {
      idempotencyKey: idempotencyKey(
        keyParts ?? [this.release, this.attempt, event.seq, trigger, extraKey ?? ""],
      ),
      event: trigger,
      severity,
      release: this.release,
      attempt: this.attempt,
      wave: null,
      region: null,
      stack: null,
      outpost: null,
      ring: null,
      step: null,
      gate: null,
      weights: null,
      outposts: [],
      outcome: null,
      reason: null,
      actor: this.driver,
      occurredAt: event.at,
      journalSeq: event.seq,
      runUrl: this.context.runUrl,
      ...rest,
    };
  }
}
