/**
 * Benchmark of one journal append: the file store (one write + fsync on an O_APPEND file)
 * against the S3 store (catch-up list + one PutObject with If-None-Match: *), on versitygw on
 * loopback with its posix backend. Also times a reader catching up with a long journal, which
 * must cost one list and only the new events' GETs. Prints the figures; asserts nothing.
 *
 *   npx ts-node --transpile-only bench/journal-append.ts [--appends 200]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openFleetStore } from "../automation/store/fleet-store";
import type { ReleaseJournal } from "../automation/journal/release-journal";
import { parseStoreLocation } from "../automation/store/store-location";
import { S3TestServer } from "../test/support/s3-server";

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function appends(journal: ReleaseJournal, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    await journal.append({ type: "paused", before: `step ${i} of the bench` });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

function report(name: string, times: number[]): void {
  const mean = times.reduce((sum, t) => sum + t, 0) / times.length;
  console.log(
    `${name.padEnd(26)} mean ${mean.toFixed(2)} ms  p50 ${percentile(times, 50).toFixed(2)} ms  ` +
      `p99 ${percentile(times, 99).toFixed(2)} ms  (${times.length} appends)`,
  );
}

async function main(): Promise<void> {
  const count = argument("appends", 200);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-bench-journal-"));
  const server = await S3TestServer.start();
  try {
    await server.createBucket("bench-journal");
    const file = openFleetStore({ kind: "file", dir: path.join(dir, "journal") });
    const s3 = openFleetStore(
      parseStoreLocation(server.journalUrl("bench-journal", "fleet"), "bench"),
      {
        env: server.env(),
      },
    );
    await appends(file.journals.journal("warm-up"), 5);
    await appends(s3.journals.journal("warm-up"), 5);
    report("file store (fsync)", await appends(file.journals.journal("2.1.0"), count));
    report("S3 store (versitygw)", await appends(s3.journals.journal("2.1.0"), count));

    // Another runner reads the whole journal once, then only what is new.
    const reader = openFleetStore(
      parseStoreLocation(server.journalUrl("bench-journal", "fleet"), "bench"),
      { env: server.env() },
    ).journals.journal("2.1.0");
    let started = Date.now();
    const { events } = await reader.read();
    const first = Date.now() - started;
    await s3.journals.journal("2.1.0").append({ type: "paused", before: "one more" });
    started = Date.now();
    await reader.read();
    const next = Date.now() - started;
    console.log(
      `S3 reader: first read of ${events.length} events ${first} ms; next read (1 new event) ${next} ms`,
    );
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
