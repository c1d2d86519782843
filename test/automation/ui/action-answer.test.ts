import { expect } from "chai";
import { refusalExitCode } from "../../../automation/cli/outcome-text";
import type { Refusal } from "../../../automation/executor/release-refusal";
import { refusalAnswer } from "../../../automation/ui/action-answer";

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
});
