import { expect } from "chai";
import * as http from "node:http";
import type { JournalEvent } from "../../../automation/journal/journal-events";
import type { FleetStore } from "../../../automation/store/fleet-store";
import { silentLogger } from "../../../automation/support/logger";
import { LiveServer } from "../../../automation/ui/live-server";
import {
  holdLock,
  inMemoryLauncher,
  indexOf,
  journalWith,
  recordRelease,
} from "../support/live-fixture";
import { SseClient } from "../support/sse-client";

const TOKEN = "test-token-0123456789";

function serve(store: FleetStore, actions: boolean) {
  return new LiveServer({
    store,
    host: "127.0.0.1",
    port: 0,
    pollMs: 100,
    approval: "none",
    actions: actions
      ? {
          token: TOKEN,
          actor: { user: "ui-operator", host: "ops-box", pid: 1 },
          launch: inMemoryLauncher(store),
        }
      : undefined,
    log: silentLogger(),
  });
}

/** One raw HTTP request (fetch would not let a test set the Host header). */
function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? "GET", headers: options.headers },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

const act = (url: string, action: string, body: object, token: string | null = TOKEN) =>
  request(`${url}api/${action}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });

describe("live view server: the page, the event stream and the actions over HTTP", function () {
  this.timeout(20_000);
  let events: JournalEvent[];
  const servers: LiveServer[] = [];
  const clients: SseClient[] = [];
  before(async () => {
    ({ events } = await recordRelease());
  });
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });
  const start = async (store: FleetStore, actions = false) => {
    const server = serve(store, actions);
    servers.push(server);
    return server.start();
  };

  it("streams every event once with its seq as the id, and resumes after Last-Event-ID", async () => {
    const { store, append } = await journalWith(events, 10);
    const url = await start(store);
    const first = await SseClient.open(`${url}events?release=2.1.0&after=0`);
    clients.push(first);
    await first.until(() => first.journal().length === 10);
    expect(first.journal().map((m) => m.id)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(first.journal().map((m) => m.seq)).to.deep.equal(first.journal().map((m) => m.id));
    // The panels ride on the last event of a batch only.
    expect(first.journal().map((m) => m.panels)).to.deep.equal([...Array(9).fill(false), true]);
    expect(first.journal()[0].reset).to.equal(true);

    await append(10);
    await append(11);
    await first.until(() => first.journal().length === 12);
    first.close();
    // Two more while nobody listens; a reconnect names the last id it got.
    await append(12);
    await append(13);
    const again = await SseClient.open(`${url}events?release=2.1.0&after=0`, {
      "last-event-id": "12",
    });
    clients.push(again);
    await again.until(() => again.journal().length === 2);
    expect(again.journal().map((m) => m.id)).to.deep.equal([13, 14]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(again.journal().map((m) => m.id)).to.deep.equal([13, 14]);
  });

  it("renders the page for the latest release; a bad or unknown release is refused", async () => {
    const { store } = await journalWith(events, 20);
    const url = await start(store);
    const page = await request(url);
    expect(page.status).to.equal(200);
    expect(page.body).to.contain('data-release="2.1.0"');
    expect(page.body).to.contain('data-stage="local-us/nyc-op1"');
    expect(page.body).to.contain('src="/assets/live-view.js"');
    expect(page.body).not.to.match(/<script>|https?:\/\/(?!127\.0\.0\.1)[a-z]/);
    expect((await request(`${url}?release=../../etc/passwd`)).status).to.equal(400);
    const unknown = await request(`${url}?release=9.9.9`);
    expect(unknown.status).to.equal(404);
    expect(unknown.body).to.contain("no journal for release 9.9.9; known releases: 2.1.0");
    expect((await request(`${url}assets/live-view.js`)).body).to.contain("EventSource");
    // A page on another site that resolves its own name to 127.0.0.1 is not answered.
    const rebound = await request(url, { headers: { host: "evil.example:80" } });
    expect(rebound.status).to.equal(421);
  });

  it("refuses actions unless allowed, and without the token; with it, journals the actor", async () => {
    const { store } = await journalWith(events, 20);
    const readOnly = await start(store);
    const off = await act(readOnly, "pause", {});
    expect(off.status).to.equal(403);
    expect(off.body).to.contain("start the live view with --allow-actions");

    const { store: running } = await journalWith(events, 20);
    const lock = await holdLock(running);
    try {
      const url = await start(running, true);
      expect((await act(url, "pause", {}, null)).status).to.equal(401);
      expect((await act(url, "pause", {}, "wrong-token")).status).to.equal(401);
      const journal = running.journals.journal("2.1.0");
      expect((await journal.read()).events).to.have.length(20);

      expect((await act(url, "explode", {})).status).to.equal(404);
      const badField = await act(url, "pause", { force: true });
      expect(badField.status).to.equal(400);
      expect(badField.body).to.contain('unknown field \\"force\\"');
      const badWave = await act(url, "promote", { wave: "mars" });
      expect(badWave.status).to.equal(400);
      expect(JSON.parse(badWave.body).message).to.equal(
        '--wave = "mars": must be a wave of release 2.1.0: us, eu',
      );

      const pause = await act(url, "pause", { release: "2.1.0" });
      expect(pause.status).to.equal(200);
      expect(JSON.parse(pause.body)).to.deep.include({ ok: true, exitCode: 0 });
      expect((await journal.read()).events.at(-1)).to.deep.include({
        type: "pause-requested",
        by: { user: "ui-operator", host: "ops-box", pid: 1 },
      });
      const resume = await act(url, "resume", {});
      expect(resume.status).to.equal(409);
      expect(JSON.parse(resume.body).message).to.contain("a driver is already running");
    } finally {
      await lock.release();
    }
  });

  it("resume from the page runs the driver (same code as the CLI) until the release finishes", async () => {
    const cut = indexOf(events, (e) => e.type === "step-completed" && e.step === "verify");
    const { store } = await journalWith(
      [
        ...events.slice(0, cut + 1),
        { ...events[0], type: "paused", before: "shift-10 of us batch 0" } as JournalEvent,
      ],
      cut + 2,
    );
    const url = await start(store, true);
    const pauseNow = await act(url, "pause", {});
    expect(pauseNow.status).to.equal(409);
    expect(JSON.parse(pauseNow.body)).to.deep.include({ exitCode: 9 });
    const stream = await SseClient.open(`${url}events?after=${cut + 2}`);
    clients.push(stream);
    const resume = await act(url, "resume", {});
    expect(resume.status).to.equal(202);
    await stream.until((e) => e.some((m) => m.event === "notice"), 15_000);
    const notice = JSON.parse(stream.events.find((m) => m.event === "notice")?.data ?? "{}");
    expect(notice).to.deep.equal({ message: "resume of 2.1.0: succeeded", ok: true });
    const after = (await store.journals.journal("2.1.0").read()).events;
    const resumed = after[cut + 2];
    expect(resumed.type).to.equal("resumed");
    expect(resumed.type === "resumed" && resumed.by.user).to.equal("ui-tester");
    expect(after.at(-1)).to.include({ type: "release-finished", outcome: "succeeded" });
    // Every event the driver appended reached the stream, once, in order.
    const ids = stream.journal().map((m) => m.id);
    expect(ids).to.deep.equal(after.slice(cut + 2).map((e) => e.seq));
  });

  it("a page that follows hears when a release starts, and then shows it", async () => {
    const { store, append } = await journalWith(events, 0);
    const url = await start(store);
    const empty = await request(url);
    expect(empty.body).to.contain("No release has been started");
    expect(empty.body).to.contain('data-follow="true"');
    const stream = await SseClient.open(`${url}events?release=&after=0&follow=1`);
    clients.push(stream);
    await append(0);
    await stream.until((e) => e.some((m) => m.event === "release"), 8000);
    expect(
      JSON.parse(stream.events.find((m) => m.event === "release")?.data ?? "{}"),
    ).to.deep.equal({
      release: "2.1.0",
    });
    expect((await request(url)).body).to.contain('data-release="2.1.0"');
  });
});
