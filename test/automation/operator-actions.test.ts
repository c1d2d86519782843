import { expect } from "chai";
import { type Refusal, RefusedError } from "../../automation/executor/release-refusal";
import type { JournalEvent } from "../../automation/journal/journal-events";
import {
  type ActionScope,
  abortRelease,
  pauseRelease,
  promoteRelease,
  rollbackRelease,
} from "../../automation/operations/operator-actions";
import { selectRelease } from "../../automation/operations/release-selection";
import type { FleetStore } from "../../automation/store/fleet-store";
import {
  holdLock,
  inMemoryLauncher,
  indexOf,
  journalWith,
  recordRelease,
} from "./support/live-fixture";

const bob = { user: "bob", host: "laptop", pid: 7 };

async function scopeOf(store: FleetStore): Promise<ActionScope> {
  return {
    store,
    selected: await selectRelease(store, undefined),
    actor: bob,
    launch: inMemoryLauncher(store),
  };
}

async function refusalOf(run: () => Promise<unknown>): Promise<Refusal> {
  try {
    await run();
  } catch (err) {
    if (err instanceof RefusedError) return err.refusal;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("operations: operator actions (what happened, as facts)", () => {
  let events: JournalEvent[];
  let midRelease: number;
  before(async () => {
    events = (await recordRelease()).events;
    midRelease = indexOf(events, (e) => e.type === "step-completed" && e.step === "verify") + 1;
  });

  const journalOf = async (store: FleetStore) =>
    (await store.journals.journal("2.1.0").read()).events;

  it("pause: not-running without a driver, journaling nothing; requested with one", async () => {
    const { store } = await journalWith(events, midRelease);
    expect(await pauseRelease(await scopeOf(store))).to.deep.equal({
      kind: "not-running",
      release: "2.1.0",
    });
    expect(await journalOf(store)).to.have.length(midRelease);
    const lock = await holdLock(store);
    try {
      expect(await pauseRelease(await scopeOf(store))).to.deep.equal({
        kind: "requested",
        action: "pause",
        release: "2.1.0",
      });
    } finally {
      await lock.release();
    }
    expect((await journalOf(store)).at(-1)).to.deep.include({ type: "pause-requested", by: bob });
  });

  it("promote: approved, journaled, and whether a driver runs to act on it", async () => {
    const { store } = await journalWith(events, midRelease);
    expect(await promoteRelease(await scopeOf(store), "eu")).to.deep.equal({
      kind: "approved",
      release: "2.1.0",
      wave: "eu",
      driverRunning: false,
    });
    expect((await journalOf(store)).at(-1)).to.deep.include({
      type: "promote-requested",
      wave: "eu",
    });
  });

  it("abort with no driver runs one: ran, achieved once the release ended aborted", async () => {
    const { store } = await journalWith(events, midRelease);
    const result = await abortRelease(await scopeOf(store), "wrong build");
    expect(result).to.deep.include({ kind: "ran", action: "abort", achieved: true });
    expect(result.kind === "ran" && result.outcome).to.deep.equal({
      kind: "aborted",
      reason: "aborted by ui-tester: wrong build",
    });
    expect((await journalOf(store)).at(-1)).to.deep.include({
      type: "release-finished",
      outcome: "aborted",
    });
  });

  it("refuses what the release's state does not allow, changing nothing", async () => {
    const { store } = await journalWith(events, events.length);
    expect(await refusalOf(async () => rollbackRelease(await scopeOf(store), "x"))).to.deep.equal({
      kind: "final",
      release: "2.1.0",
      previous: "2.0.0",
    });
    expect(await refusalOf(async () => pauseRelease(await scopeOf(store)))).to.deep.equal({
      kind: "finished",
      release: "2.1.0",
      outcome: "succeeded",
    });
    expect(await journalOf(store)).to.have.length(events.length);
  });
});
