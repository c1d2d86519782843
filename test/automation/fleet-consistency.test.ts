import { expect } from "chai";
import {
  consistencyText,
  judgeConsistency,
  versionGroups,
} from "../../automation/operations/fleet-consistency";

const split = {
  "us/us-op1": ["2.1.0"],
  "us/us-op2": ["2.1.0"],
  "eu/eu-op1": ["2.0.0"],
  "eu/eu-op2": ["2.0.0"],
};
const finished = (outcome: "rolled-back" | "aborted" | "succeeded" | "rollback-incomplete") => ({
  release: "2.1.0",
  state: "finished",
  outcome,
});

describe("fleet consistency (pure)", () => {
  it("one version everywhere is consistent", () => {
    const served = { "us/us-op1": ["2.1.0"], "eu/eu-op1": ["2.1.0"] };
    expect(judgeConsistency(served, finished("succeeded"))).to.deep.equal({
      kind: "consistent",
      version: "2.1.0",
    });
    expect(consistencyText(judgeConsistency(served, undefined))).to.equal(
      "fleet consistent: every Outpost serves 2.1.0",
    );
  });

  it("a release rolled back by wave leaves a split: rollback brings the fleet back to one version", () => {
    const judged = judgeConsistency(split, finished("rolled-back"));
    expect(judged).to.deep.include({
      kind: "split",
      versions: [
        { version: "2.0.0", outposts: ["eu/eu-op1", "eu/eu-op2"] },
        { version: "2.1.0", outposts: ["us/us-op1", "us/us-op2"] },
      ],
    });
    expect(consistencyText(judged)).to.equal(
      "fleet NOT consistent: it serves 2 versions: 2.0.0 on eu/eu-op1, eu/eu-op2; " +
        "2.1.0 on us/us-op1, us/us-op2; to bring it back to one version run " +
        "outpost-fleet rollback --release 2.1.0 (flips every Outpost still on 2.1.0 back to its warm old version)",
    );
  });

  it("an aborted release: rollback", () => {
    const judged = judgeConsistency(split, finished("aborted"));
    expect(judged).to.have.nested.property("fix.command", "rollback");
  });

  it("an unfinished release (paused, stopped) or an incomplete rollback: resume once fixed", () => {
    for (const standing of [
      { release: "2.1.0", state: "paused", outcome: null },
      { release: "2.1.0", state: "stopped", outcome: null },
      finished("rollback-incomplete"),
    ]) {
      const judged = judgeConsistency(split, standing);
      expect(judged).to.have.nested.property("fix.line", "outpost-fleet resume --release 2.1.0");
      expect(consistencyText(judged)).to.contain("once the cause is fixed");
    }
  });

  it("a release a driver is moving is in progress, not split", () => {
    const judged = judgeConsistency(split, { release: "2.1.0", state: "running", outcome: null });
    expect(judged.kind).to.equal("in-progress");
    expect(consistencyText(judged)).to.equal(
      "release in progress: 2.0.0 on eu/eu-op1, eu/eu-op2; 2.1.0 on us/us-op1, us/us-op2",
    );
  });

  it("without a journal: deploy the newest version served", () => {
    const judged = judgeConsistency(
      { "a/1": ["2.0.0"], "b/1": ["2.10.0"], "c/1": ["2.9.0"] },
      undefined,
    );
    expect(judged).to.have.nested.property("fix.line", "outpost-fleet deploy --release 2.10.0");
  });

  it("an Outpost mid-shift serves both versions and is named under each", () => {
    expect(
      versionGroups({ "us/us-op1": ["2.0.0", "2.1.0"], "us/us-op2": ["2.0.0"] }),
    ).to.deep.equal([
      { version: "2.0.0", outposts: ["us/us-op1", "us/us-op2"] },
      { version: "2.1.0", outposts: ["us/us-op1"] },
    ]);
  });

  it("no Outpost known: consistent, no version", () => {
    expect(judgeConsistency({}, undefined)).to.deep.equal({ kind: "consistent", version: null });
  });
});
