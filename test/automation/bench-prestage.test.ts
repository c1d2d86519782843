import { expect } from "chai";
import { AWS_TIMINGS, deployFleet } from "../../bench/prestage";
import { EventClock } from "../../bench/lib/event-clock";

describe("bench: prestage (event clock, AWS timings)", () => {
  it("the event clock ends concurrent sleeps of different lengths at their own instants", async () => {
    const clock = new EventClock(0);
    const ends: [string, number][] = [];
    const sleeper = async (name: string, ms: number[]) => {
      for (const m of ms) await clock.sleep(m);
      ends.push([name, clock.now()]);
    };
    const aborted = new AbortController();
    const cancelled = clock.sleep(1_000, aborted.signal).catch(() => "cancelled");
    aborted.abort(new Error("stop"));
    await Promise.all([sleeper("long", [240_000]), sleeper("short", [5_000, 5_000])]);
    expect(await cancelled).to.equal("cancelled");
    expect(ends).to.deep.equal([
      ["short", 10_000],
      ["long", 240_000],
    ]);
  });

  it("a release's virtual duration is what the model adds up to, with and without prestage", async () => {
    // 12 Outposts, 3 waves of 4 at "50%": per wave a canary and 2 batches (9 batches in all).
    // Off: per batch launch 240 + verify 20 + flip 5 + gates 20 + bake 300 = 585 s.
    // On: a prestage of 2 batches (6 Outposts each) of 240 s, then 345 s per batch.
    // Both: a 5 s sync-stack per wave, then the 120 s scale-down delay and a 5 s finalize.
    const off = await deployFleet(12, { percent: 50 }, false, AWS_TIMINGS);
    const on = await deployFleet(12, { percent: 50 }, true, AWS_TIMINGS);
    expect(off.seconds).to.equal(9 * 585 + 3 * 5 + 120 + 5);
    expect(on.plan.prestage?.batches.map((b) => b.length)).to.deep.equal([6, 6]);
    expect(on.beforeWave1).to.equal(2 * 240);
    expect(on.seconds).to.equal(2 * 240 + 9 * 345 + 3 * 5 + 120 + 5);
  });
});
