import { expect } from "chai";
import { PassThrough } from "node:stream";
import type { CliIo } from "../../automation/cli/cli-io";
import {
  exitCodeOf,
  noticeReporter,
  outcomeJson,
  outcomeReason,
  printOutcome,
  refusalExitCode,
  refusalText,
} from "../../automation/cli/outcome-text";
import type { Refusal } from "../../automation/executor/release-refusal";
import type { RunOutcome } from "../../automation/executor/run-outcome";
import { ExitCode } from "../../automation/support/exit-codes";
import { createLogger } from "../../automation/support/logger";

function captured(): { io: CliIo; out: () => string } {
  let stdout = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: () => true },
    stdin: new PassThrough(),
    env: {},
  };
  return { io, out: () => stdout };
}

describe("cli: outcome text (the executor's facts as the CLI words and codes them)", () => {
  it("names the commands an operator runs next, after what happened", () => {
    const cases: [RunOutcome, string][] = [
      [
        {
          kind: "needs-repair",
          reason: "us/op2 failed at flip: us: pending operations",
          next: { kind: "repair-then-resume", stacks: ["us", "eu"] },
        },
        "us/op2 failed at flip: us: pending operations; after the repair (outpost-fleet repair " +
          "--stack us; outpost-fleet repair --stack eu), run outpost-fleet resume",
      ],
      [
        {
          kind: "blocked",
          reason: 'wave eu is inside freeze window "xmas" (a to b)',
          next: { kind: "resume-after-freeze", window: "xmas" },
        },
        'wave eu is inside freeze window "xmas" (a to b); resume after it ends',
      ],
      [
        {
          kind: "blocked",
          reason: "approval of wave eu declined",
          next: { kind: "resume-or-promote", wave: "eu" },
        },
        "approval of wave eu declined; resume or promote to continue",
      ],
      [
        {
          kind: "incomplete",
          reason: "finalize failed (us: boom)",
          next: { kind: "resume-to-retry" },
        },
        "finalize failed (us: boom); run resume to retry",
      ],
      [
        {
          kind: "blocked",
          reason: "release 2.1.0 has not passed wave 0 on the staging stacks (stg-a, stg-b)",
          next: {
            kind: "deploy-to-staging-first",
            release: "2.1.0",
            stagingStacks: ["stg-a", "stg-b"],
          },
        },
        "release 2.1.0 has not passed wave 0 on the staging stacks (stg-a, stg-b): deploy it there " +
          "first (outpost-fleet deploy --release 2.1.0 --stacks stg-a,stg-b), or name them with the " +
          "production stacks; --skip-staging overrides (recorded in the journal's release-started.staging)",
      ],
      [{ kind: "aborted", reason: "aborted by bob: odd" }, "aborted by bob: odd"],
    ];
    for (const [outcome, text] of cases) expect(outcomeReason(outcome)).to.equal(text);
    expect(outcomeReason({ kind: "succeeded" })).to.equal(undefined);
  });

  it("gives every outcome its documented exit code", () => {
    const codes: [RunOutcome, ExitCode][] = [
      [{ kind: "succeeded" }, ExitCode.Success],
      [{ kind: "rolled-back", reason: "r" }, ExitCode.FailedRolledBack],
      [{ kind: "aborted", reason: "r" }, ExitCode.Aborted],
      [{ kind: "rollback-incomplete", reason: "r" }, ExitCode.RollbackIncomplete],
      [{ kind: "incomplete", reason: "r", next: { kind: "resume-to-retry" } }, 4],
      [{ kind: "needs-repair", reason: "r", next: { kind: "repair-then-resume", stacks: [] } }, 4],
      [{ kind: "blocked", reason: "r" }, ExitCode.BlockedByPolicy],
      [{ kind: "paused", reason: "r" }, ExitCode.Paused],
    ];
    for (const [outcome, code] of codes) expect(exitCodeOf(outcome), outcome.kind).to.equal(code);
  });

  it("prints the result line, and with --json the worded reason without the facts", () => {
    const outcome: RunOutcome = {
      kind: "needs-repair",
      reason: "eu/op1 failed at prestage: eu: pending",
      next: { kind: "repair-then-resume", stacks: ["eu"] },
    };
    const text = captured();
    printOutcome(text.io, false, "2.1.0", outcome);
    expect(text.out()).to.equal(
      "release 2.1.0: needs-repair: eu/op1 failed at prestage: eu: pending; after the repair " +
        "(outpost-fleet repair --stack eu), run outpost-fleet resume\n",
    );
    const json = captured();
    printOutcome(json.io, true, "2.1.0", outcome);
    expect(JSON.parse(json.out())).to.deep.equal({
      result: { release: "2.1.0", kind: "needs-repair", reason: outcomeReason(outcome) },
    });
    const done = captured();
    printOutcome(done.io, true, "2.1.0", { kind: "succeeded" });
    expect(JSON.parse(done.out())).to.deep.equal({
      result: { release: "2.1.0", kind: "succeeded" },
    });
    expect(outcomeJson({ kind: "paused", reason: "" })).to.deep.equal({
      kind: "paused",
      reason: "",
    });
  });

  it("logs the executor's notices with the command an operator runs", () => {
    let lines = "";
    const log = createLogger({ json: true, destination: { write: (t: string) => (lines += t) } });
    const report = noticeReporter(log);
    report({ kind: "awaiting-approval", wave: "eu" });
    report({ kind: "rollback-incomplete", reason: "rollback traffic failed: us: boom" });
    const records = lines
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((r) => [r.level, r.msg])).to.deep.equal([
      [30, "waiting for approval: run `outpost-fleet promote --wave eu`"],
      [50, "rollback incomplete: an operator must look (outpost-fleet status, then rollback)"],
    ]);
    expect(records[0]).to.include({ region: "eu" });
    expect(records[1]).to.include({ err: "rollback traffic failed: us: boom" });
  });

  it("words each refusal with what to run instead, and exits with its code", () => {
    const cases: Record<Refusal["kind"], [Refusal, string, ExitCode]> = {
      "nothing-to-resume": [
        { kind: "nothing-to-resume" },
        "nothing to resume: no release was started",
        ExitCode.NothingToDo,
      ],
      "no-release": [
        { kind: "no-release", place: "/j" },
        "no release has been started in /j",
        ExitCode.NothingToDo,
      ],
      "no-journal": [
        { kind: "no-journal", release: "2.2.0", known: ["2.1.0"], place: "/j" },
        '--release = "2.2.0": no journal for it; known releases: 2.1.0 (journal /j)',
        ExitCode.NothingToDo,
      ],
      finished: [
        { kind: "finished", release: "2.1.0", outcome: "succeeded" },
        "release 2.1.0 already finished: succeeded",
        ExitCode.NothingToDo,
      ],
      "in-progress": [
        { kind: "in-progress", release: "2.1.0", startedBy: "bob", startedAt: "T" },
        "release 2.1.0 is already in progress (started by bob at T); use resume, pause, abort or rollback",
        ExitCode.BadInput,
      ],
      final: [
        { kind: "final", release: "2.1.0", previous: "2.0.0" },
        "release 2.1.0 is final: its old colors are scaled down, so a rollback is no longer a " +
          "flip; deploy the previous version instead: outpost-fleet deploy --release 2.0.0",
        ExitCode.BlockedByPolicy,
      ],
    };
    for (const [refusal, text, code] of Object.values(cases)) {
      expect(refusalText(refusal)).to.equal(text);
      expect(refusalExitCode(refusal), refusal.kind).to.equal(code);
    }
  });
});
