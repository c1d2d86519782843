import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import type { HeldLock } from "../../automation/lock/fleet-lock";
import type { JournalEvent } from "../../automation/journal/journal-events";
import type { FleetStore } from "../../automation/store/fleet-store";
import { silentLogger } from "../../automation/support/logger";
import { LiveServer } from "../../automation/ui/live-server";
import {
  holdLock,
  inMemoryLauncher,
  indexOf,
  journalWith,
  recordRelease,
} from "../automation/support/live-fixture";
import { launchChromium, requireChromium, TEST_OUTPUT } from "../support/chromium";

const TOKEN = "browser-test-token-7f3a";
const SHOTS = path.join(TEST_OUTPUT, "live-view");

/**
 * The live view in real Chromium, against a real server over a real journal: a release
 * recorded by the real executor is played back into the journal as a driver would append it.
 */
describe("live view in Chromium", function () {
  this.timeout(60_000);
  let browser: { context: BrowserContext; close: () => Promise<void> } | undefined;
  let page: Page;
  let server: LiveServer;
  let url: string;
  let store: FleetStore;
  let append: (index: number) => Promise<JournalEvent>;
  let lock: HeldLock | undefined;
  let events: JournalEvent[];
  let shown: number;
  const eventStreams: { lastEventId: string | undefined }[] = [];

  const serve = async (port: number) => {
    server = new LiveServer({
      store,
      host: "127.0.0.1",
      port,
      pollMs: 100,
      approval: "none",
      actions: {
        token: TOKEN,
        actor: { user: "page-operator", host: "ops-box", pid: 1 },
        launch: inMemoryLauncher(store),
      },
      log: silentLogger(),
    });
    return server.start();
  };
  const seqsOnPage = () =>
    page.$$eval("#timeline li[data-seq]", (rows) =>
      rows.map((row) => Number(row.getAttribute("data-seq"))),
    );
  const appendUpTo = async (last: number) => {
    for (; shown < last; shown++) await append(shown);
  };
  const stage = (id: string) => page.locator(`tr.stage[data-stage="${id}"]`);

  before(async function () {
    requireChromium(this);
    fs.mkdirSync(SHOTS, { recursive: true });
    ({ events } = await recordRelease());
    // Where the page opens: the us canary has just finished its 10% shift.
    shown = indexOf(events, (e) => e.type === "step-completed" && e.step === "shift-10") + 1;
    ({ store, append } = await journalWith(events, shown));
    lock = await holdLock(store);
    url = await serve(0);
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/events")
        void request
          .allHeaders()
          .then((headers) => eventStreams.push({ lastEventId: headers["last-event-id"] }));
    });
  });

  after(async () => {
    await lock?.release();
    await browser?.close();
    await server?.stop();
  });

  it("renders a running release: waves, each Outpost's step, traffic, versions and gates", async () => {
    await page.goto(url);
    await page.waitForSelector("#connection[data-state=live]");
    expect(await page.textContent("#release-name")).to.equal("2.1.0");
    expect((await page.textContent("#release-state"))?.trim()).to.equal("running");
    expect(
      await page.$$eval("article.wave", (waves) => waves.map((w) => w.getAttribute("data-wave"))),
    ).to.deep.equal(["us", "eu"]);
    const canary = stage("local-us/nyc-op1");
    expect(await canary.getAttribute("data-state")).to.equal("running");
    expect(await canary.getAttribute("data-step")).to.equal("shift-50");
    expect(
      await canary.locator('.segment[data-color="green"]').getAttribute("data-percent"),
    ).to.equal("10");
    expect(await canary.locator('[data-version-of="green"]').textContent()).to.equal("2.1.0");
    expect(await canary.locator('[data-version-of="blue"]').textContent()).to.equal("2.0.0");
    expect(await canary.locator(".legend.active").getAttribute("data-color")).to.equal("blue");
    const gate = canary.locator('.gate[data-gate="http-probe"]');
    expect(await gate.getAttribute("data-verdict")).to.equal("pass");
    expect((await gate.locator('[data-figure="error rate"]').textContent())?.trim()).to.equal(
      "error rate 0.2 % (max 1 %)",
    );
    expect(await stage("local-eu/fra-op1").getAttribute("data-state")).to.equal("pending");
    expect(await seqsOnPage()).to.deep.equal(events.slice(0, shown).map((e) => e.seq));
    expect(await page.locator("#timeline li").last().locator(".actor").textContent()).to.equal(
      "tester@test-host",
    );
    expect(await page.locator('tr[data-history-release="2.1.0"]').count()).to.equal(1);
    await page.screenshot({ path: path.join(SHOTS, "running-release.png"), fullPage: true });
  });

  it("updates as events are appended to the journal", async () => {
    const flip = indexOf(events, (e) => e.type === "step-completed" && e.step === "flip") + 1;
    await appendUpTo(flip);
    await page.waitForSelector(`#timeline li[data-seq="${flip}"]`);
    const canary = stage("local-us/nyc-op1");
    await page.waitForSelector('tr.stage[data-stage="local-us/nyc-op1"][data-step="bake"]');
    expect(await canary.locator(".legend.active").getAttribute("data-color")).to.equal("green");
    expect(
      await canary.locator('.segment[data-color="green"]').getAttribute("data-percent"),
    ).to.equal("100");
    expect(await seqsOnPage()).to.deep.equal(events.slice(0, flip).map((e) => e.seq));
  });

  it("reconnects after the server went away, without losing or repeating an event", async () => {
    const port = Number(new URL(url).port);
    await server.stop();
    await page.waitForSelector("#connection:not([data-state=live])");
    // The driver goes on while the page is cut off.
    const wave = indexOf(events, (e) => e.type === "wave-completed") + 1;
    await appendUpTo(wave);
    await serve(port);
    await page.waitForSelector(`#timeline li[data-seq="${wave}"]`, { timeout: 15_000 });
    await page.waitForSelector("#connection[data-state=live]");
    expect(await seqsOnPage()).to.deep.equal(events.slice(0, wave).map((e) => e.seq));
    // The browser asked to resume after the last event it had.
    const reconnect = eventStreams.at(-1);
    expect(Number(reconnect?.lastEventId)).to.be.within(1, wave - 1);
    expect(await page.locator('article.wave[data-wave="us"]').getAttribute("data-state")).to.equal(
      "done",
    );
  });

  it("refuses actions without the token, and journals them with the actor when given it", async () => {
    const journal = store.journals.journal("2.1.0");
    const before = (await journal.read()).events.length;
    await page.fill("#action-token", "");
    await page.click('button[data-action="pause"]');
    await page.waitForSelector('#action-result[data-ok="false"]');
    expect(await page.textContent("#action-result")).to.contain("a valid token is required");
    expect((await journal.read()).events).to.have.length(before);

    // The token from the URL fragment (as printed at start) fills the form.
    await page.goto("about:blank");
    await page.goto(`${url}#token=${TOKEN}`);
    await page.waitForSelector("#connection[data-state=live]");
    expect(await page.inputValue("#action-token")).to.equal(TOKEN);
    expect(new URL(page.url()).hash).to.equal("");
    await page.click('button[data-action="pause"]');
    await page.waitForSelector('#action-result[data-ok="true"]');
    expect(await page.textContent("#action-result")).to.contain("pause requested");
    const request = (await journal.read()).events.at(-1);
    expect(request).to.deep.include({
      type: "pause-requested",
      by: { user: "page-operator", host: "ops-box", pid: 1 },
    });
    const row = page.locator(`#timeline li[data-seq="${request?.seq}"]`);
    await row.waitFor();
    expect(await row.locator(".actor").textContent()).to.equal("page-operator@ops-box");
    expect(await page.textContent("#pending-requests")).to.contain("pause by page-operator");
  });

  it("shows a paused release as paused", async () => {
    // The driver stops at its next boundary, records it and gives the lock back.
    await store.journals.journal("2.1.0").append({ type: "paused", before: "wave eu" });
    await lock?.release();
    lock = undefined;
    await page.waitForSelector('#release-state .badge[data-state="paused"]');
    expect(await page.textContent("#summary")).to.contain("none running");
    expect(await page.locator("#timeline li").last().getAttribute("data-type")).to.equal("paused");
    await page.screenshot({ path: path.join(SHOTS, "paused-release.png"), fullPage: true });
  });
});
