import { expect } from "chai";
import { actionExitCode, actionMessage } from "../../../automation/cli/action-text";
import { exitCodeOf, refusalExitCode } from "../../../automation/cli/outcome-text";
import type { Refusal } from "../../../automation/executor/release-refusal";
import type { RunOutcome } from "../../../automation/executor/run-outcome";
import type { ActionResult } from "../../../automation/operations/operator-actions";
import {
  actionAnswer,
  describeOutcome,
  ranNotice,
  refusalAnswer,
} from "../../../automation/ui/action-answer";

const REFUSALS: Record<Refusal["kind"], Refusal> = {
  "nothing-to-resume": { kind: "nothing-to-resume" },
  "no-release": { kind: "no-release", place: "/j" },
  "no-journal": { kind: "no-journal", release: "2.2.0", known: [], place: "/j" },
  finished: { kind: "finished", release: "2.1.0", outcome: "rolled-back" },
  "in-progress": { kind: "in-progress", release: "2.1.0", startedBy: "bob", startedAt: "T" },
  final: { kind: "final", release: "2.1.0", previous: undefined },
};

describe("live view: action answers (what operations report, as HTTP)", () => {
  it("answers a refusal with 409, its words, and the exit code the command would end with", () => {
    for (const refusal of Object.values(REFUSALS)) {
      const answer = refusalAnswer(refusal);
      expect(answer.status, refusal.kind).to.equal(409);
      expect(answer.body.ok).to.equal(false);
      expect(answer.body.exitCode, refusal.kind).to.equal(refusalExitCode(refusal));
    }
    expect(refusalAnswer(REFUSALS.finished).body.message).to.equal(
      "release 2.1.0 already finished: rolled-back",
    );
    expect(refusalAnswer(REFUSALS["no-journal"]).body.message).to.equal(
      "release 2.2.0 has no journal; known releases: (none) (journal /j)",
    );
  });

  it("answers each result with the CLI's words and exit code, 200 when it was done", () => {
    const results: ActionResult[] = [
      { kind: "requested", action: "pause", release: "2.1.0" },
      { kind: "requested", action: "abort", release: "2.1.0" },
      { kind: "approved", release: "2.1.0", wave: undefined, driverRunning: false },
      { kind: "not-running", release: "2.1.0" },
      { kind: "nothing-to-roll-back", release: "2.1.0", outcome: "aborted" },
    ];
    for (const result of results) {
      const answer = actionAnswer(result);
      expect(answer.body.message).to.equal(actionMessage(result));
      expect(answer.body.exitCode, result.kind).to.equal(actionExitCode(result));
      expect(answer.status).to.equal(answer.body.ok ? 200 : 409);
    }
  });

  it("a run started from the page: its exit code is the CLI's for every outcome", () => {
    const outcomes: Record<RunOutcome["kind"], RunOutcome> = {
      succeeded: { kind: "succeeded" },
      "rolled-back": { kind: "rolled-back", reason: "r" },
      aborted: { kind: "aborted", reason: "r" },
      "rollback-incomplete": { kind: "rollback-incomplete", reason: "r" },
      incomplete: { kind: "incomplete", reason: "r", next: { kind: "resume-to-retry" } },
      "needs-repair": {
        kind: "needs-repair",
        reason: "r",
        next: { kind: "repair-then-resume", stacks: ["us"] },
      },
      blocked: { kind: "blocked", reason: "r" },
      paused: { kind: "paused", reason: "r" },
    };
    for (const outcome of Object.values(outcomes)) {
      const result = { kind: "ran", action: "resume", release: "2.1.0", outcome } as const;
      const answer = actionAnswer({ ...result, achieved: false });
      expect(answer.body.exitCode, outcome.kind).to.equal(exitCodeOf(outcome));
    }
    const repair = { ...outcomes["needs-repair"] };
    expect(
      ranNotice("resume of 2.1.0", {
        kind: "ran",
        action: "resume",
        release: "2.1.0",
        outcome: repair,
        achieved: false,
      }),
    ).to.deep.equal({
      message:
        "resume of 2.1.0: needs-repair: r; after a repair of us (outpost-fleet repair), resume",
      ok: false,
    });
    expect(describeOutcome({ kind: "succeeded" })).to.equal("succeeded");
  });
});
