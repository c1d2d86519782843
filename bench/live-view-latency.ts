/**
 * How long a journal append takes to show on the live page: from the moment a driver calls
 * `append` until the event's timeline row is in the page's DOM (a MutationObserver in real
 * Chromium stamps it). Two ways the server learns of an append:
 *
 *   poll   `outpost-fleet ui` in another process: the server reads the journal every --poll-ms;
 *   nudge  `deploy --ui`: the driver in the same process tells the server after each append.
 *
 * Events are appended at random gaps (so they fall anywhere in the poll period), one at a time.
 * Both clocks are this machine's wall clock.
 *
 * Usage: npx ts-node --transpile-only bench/live-view-latency.ts [--events 40] [--poll-ms 500]
 * Needs Chromium (apt-get install chromium).
 */
import yargs from "yargs";
import { silentLogger } from "../automation/support/logger";
import { LiveServer } from "../automation/ui/live-server";
import { holdLock, journalWith, recordRelease } from "../test/automation/support/live-fixture";
import { launchChromium } from "../test/support/chromium";

interface Figures {
  readonly mode: string;
  readonly samples: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function measure(mode: "poll" | "nudge", count: number, pollMs: number): Promise<Figures> {
  const { events } = await recordRelease();
  const opened = 5;
  const { store, append } = await journalWith(events, opened);
  const lock = await holdLock(store);
  const server = new LiveServer({
    store,
    host: "127.0.0.1",
    port: 0,
    pollMs,
    approval: "none",
    log: silentLogger(),
  });
  const url = await server.start();
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(url);
    await page.waitForSelector("#connection[data-state=live]");
    // Stamps each new timeline row with the page's wall-clock time as it lands in the DOM.
    await page.evaluate(`
      window.shownAt = {};
      new MutationObserver((records) => {
        const now = Date.now();
        for (const record of records)
          for (const node of record.addedNodes)
            if (node.dataset && node.dataset.seq) window.shownAt[node.dataset.seq] = now;
      }).observe(document.getElementById("timeline"), { childList: true });
    `);
    const latencies: number[] = [];
    for (let i = opened; i < Math.min(events.length, opened + count); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * pollMs));
      const appendedAt = Date.now();
      const event = await append(i);
      if (mode === "nudge") server.nudge();
      await page.waitForSelector(`#timeline li[data-seq="${event.seq}"]`, { timeout: 10_000 });
      const shownAt = (await page.evaluate(`window.shownAt["${event.seq}"]`)) as number;
      latencies.push(shownAt - appendedAt);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      mode: mode === "poll" ? `poll every ${pollMs} ms` : "nudged by the driver",
      samples: sorted.length,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      max: sorted[sorted.length - 1],
    };
  } finally {
    await browser.close();
    await server.stop();
    await lock.release();
  }
}

async function main(): Promise<void> {
  const argv = await yargs(process.argv.slice(2))
    .option("events", { type: "number", default: 40, describe: "Appends to measure per mode" })
    .option("poll-ms", { type: "number", default: 500, describe: "The server's poll period" })
    .strict()
    .parseAsync();
  console.log("live view: journal append -> timeline row in Chromium's DOM (ms)");
  for (const mode of ["poll", "nudge"] as const) {
    const f = await measure(mode, argv.events, argv["poll-ms"]);
    console.log(`  ${f.mode.padEnd(22)} n=${f.samples}  p50 ${f.p50}  p95 ${f.p95}  max ${f.max}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
