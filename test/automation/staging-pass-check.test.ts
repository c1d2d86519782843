import { expect } from "chai";
import { judgeStagingPass, stagingPassProblem } from "../../automation/executor/staging-pass-check";
import type { JournalEvent } from "../../automation/journal/journal-events";
import type { RolloutPlan } from "../../automation/plan/plan-types";
import { stagingPasses, type StagingPass } from "../../automation/progress/staging-record";

const HOUR = 3_600_000;
const now = Date.UTC(2026, 0, 5, 12, 0, 0);
const hoursAgo = (hours: number) => new Date(now - hours * HOUR).toISOString();
const pass = (hours: number, over: Partial<StagingPass> = {}): StagingPass => ({
  release: "2.1.0",
  imageDigest: "sha256:aaa",
  attempt: 1,
  at: hoursAgo(hours),
  ...over,
});
const requirement = { release: "2.1.0", imageDigest: "sha256:aaa", maxAgeHours: 24, now };

describe("staging pass check (pure)", () => {
  it("fresh: the youngest pass of the same release and digest, younger than the limit", () => {
    const verdict = judgeStagingPass(requirement, [pass(30), pass(2, { attempt: 2 })]);
    expect(verdict.kind).to.equal("fresh");
    expect(verdict).to.have.nested.property("pass.attempt", 2);
    expect(stagingPassProblem(requirement, verdict)).to.equal(undefined);
  });

  it("missing: no pass at all", () => {
    const verdict = judgeStagingPass(requirement, []);
    expect(verdict).to.deep.equal({ kind: "missing", found: undefined });
    expect(stagingPassProblem(requirement, verdict)).to.equal(
      "release 2.1.0 (image sha256:aaa) has no staging pass in the journal",
    );
  });

  it("stale: the youngest matching pass is older than the limit; the message names it and its age", () => {
    const verdict = judgeStagingPass(requirement, [pass(30), pass(25.5)]);
    expect(verdict.kind).to.equal("stale");
    expect(stagingPassProblem(requirement, verdict)).to.equal(
      "the staging pass of release 2.1.0 (image sha256:aaa) is too old " +
        "(max 24 h, stagingTests.passMaxAgeHours): release 2.1.0 (image sha256:aaa) at " +
        `${hoursAgo(25.5)}, 25.5 h ago`,
    );
  });

  it("exactly at the limit is stale", () => {
    expect(judgeStagingPass(requirement, [pass(24)]).kind).to.equal("stale");
  });

  it("other digest: a fresh pass of another build does not count, and is named", () => {
    const verdict = judgeStagingPass(requirement, [pass(1, { imageDigest: "sha256:bbb" })]);
    expect(verdict.kind).to.equal("missing");
    expect(stagingPassProblem(requirement, verdict)).to.equal(
      "release 2.1.0 (image sha256:aaa) has no staging pass; the latest staging pass found is " +
        `release 2.1.0 (image sha256:bbb) at ${hoursAgo(1)}, 1.0 h ago`,
    );
  });

  it("other release: does not count", () => {
    const verdict = judgeStagingPass(requirement, [pass(1, { release: "2.0.9" })]);
    expect(verdict.kind).to.equal("missing");
  });

  it("an unknown digest matches only a pass whose digest was unknown too", () => {
    const unknown = { ...requirement, imageDigest: undefined };
    expect(judgeStagingPass(unknown, [pass(1)]).kind).to.equal("missing");
    expect(judgeStagingPass(unknown, [pass(1, { imageDigest: undefined })]).kind).to.equal("fresh");
  });
});

describe("staging passes in a journal", () => {
  const plan = (imageDigest: string) =>
    ({
      release: "2.1.0",
      artifacts: { image: "r:2.1.0", amiName: "a-2.1.0", imageDigest },
    }) as unknown as RolloutPlan;
  const event = (seq: number, body: object) =>
    ({ seq, at: hoursAgo(10 - seq), ...body }) as JournalEvent;
  const started = (seq: number, attempt: number, digest: string) =>
    event(seq, {
      type: "release-started",
      attempt,
      plan: plan(digest),
      baselines: {},
      by: { user: "t", host: "h", pid: 1 },
      command: "deploy",
    });

  it("one per completed wave 0, with the digest its attempt deployed", () => {
    const events = [
      started(1, 1, "sha256:aaa"),
      event(2, { type: "wave-completed", wave: "staging" }),
      event(3, { type: "wave-completed", wave: "us" }),
      started(4, 2, "sha256:bbb"),
      event(5, { type: "wave-started", wave: "staging" }),
    ];
    expect(stagingPasses(events)).to.deep.equal([
      { release: "2.1.0", imageDigest: "sha256:aaa", attempt: 1, at: hoursAgo(8) },
    ]);
  });
});
