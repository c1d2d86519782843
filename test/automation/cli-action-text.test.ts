import { expect } from "chai";
import { actionExitCode, actionMessage } from "../../automation/cli/action-text";
import type { ActionResult } from "../../automation/operations/operator-actions";
import { ExitCode } from "../../automation/support/exit-codes";

describe("cli: action text (the operations' results as the commands print them)", () => {
  it("words each result and exits with its code", () => {
    const cases: [ActionResult, string | undefined, ExitCode][] = [
      [
        { kind: "requested", action: "pause", release: "2.1.0" },
        "pause requested: the driver of 2.1.0 stops before its next step",
        ExitCode.Success,
      ],
      [
        { kind: "requested", action: "abort", release: "2.1.0" },
        "abort requested: the driver of 2.1.0 stops and rolls back at its next step boundary",
        ExitCode.Success,
      ],
      [
        { kind: "requested", action: "rollback", release: "2.1.0" },
        "rollback requested: the driver of 2.1.0 rolls back at its next step boundary",
        ExitCode.Success,
      ],
      [
        { kind: "approved", release: "2.1.0", wave: "eu", driverRunning: false },
        "approved wave eu of 2.1.0; no driver is running: run resume to continue",
        ExitCode.Success,
      ],
      [
        { kind: "approved", release: "2.1.0", wave: undefined, driverRunning: true },
        "approved the next wave of 2.1.0",
        ExitCode.Success,
      ],
      [
        { kind: "not-running", release: "2.1.0" },
        "no driver is running release 2.1.0: it is stopped already; resume continues it",
        ExitCode.NothingToDo,
      ],
      [
        { kind: "nothing-to-roll-back", release: "2.1.0", outcome: "rolled-back" },
        "nothing to roll back: release 2.1.0 finished rolled-back with every Outpost back",
        ExitCode.NothingToDo,
      ],
    ];
    for (const [result, message, code] of cases) {
      expect(actionMessage(result)).to.equal(message);
      expect(actionExitCode(result), result.kind).to.equal(code);
    }
  });

  it("a run the action carried out prints its result line; it exits 0 when it did as asked", () => {
    const aborted = { kind: "aborted", reason: "aborted by bob: x" } as const;
    const ran = (achieved: boolean): ActionResult => ({
      kind: "ran",
      action: "abort",
      release: "2.1.0",
      outcome: achieved ? aborted : { kind: "rollback-incomplete", reason: "r" },
      achieved,
    });
    expect(actionMessage(ran(true))).to.equal(undefined);
    expect(actionExitCode(ran(true))).to.equal(ExitCode.Success);
    expect(actionExitCode(ran(false))).to.equal(ExitCode.RollbackIncomplete);
  });
});
