import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

/** Set to 1 to skip the tests that drive Chromium; CI never sets it. */
export const SKIP_BROWSER_TESTS = process.env.OUTPOST_FLEET_SKIP_BROWSER_TESTS === "1";

/**
 * Debian's chromium package (npm test's pretest, `scripts/toolchain.sh --for tests`, installs it);
 * OUTPOST_FLEET_CHROMIUM points elsewhere.
 */
export const CHROMIUM = process.env.OUTPOST_FLEET_CHROMIUM ?? "/usr/bin/chromium";

/** Where tests leave what people look at afterwards (screenshots); gitignored. */
export const TEST_OUTPUT = path.resolve(__dirname, "..", "..", "test-output");

/**
 * Guards a suite that needs Chromium: it skips only when asked to; a missing browser fails the
 * suite with what to install, so CI cannot pass by skipping it.
 */
export function requireChromium(context: Mocha.Context): void {
  if (SKIP_BROWSER_TESTS) context.skip();
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: run npm run toolchain (it apt-get installs chromium), ` +
        "or set OUTPOST_FLEET_CHROMIUM to a Chromium binary",
    );
  }
}

/** Headless Chromium with a fresh, empty profile that is removed on close. */
export async function launchChromium(): Promise<{
  context: BrowserContext;
  close: () => Promise<void>;
}> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
