import * as path from "node:path";
import { expect } from "chai";
import {
  DEFAULT_SETTINGS,
  DEFAULT_SETTINGS_FILE,
  loadDriverSettings,
  parseDriverSettings,
} from "../../../automation/settings/driver-settings";
import { UserError } from "../../../automation/support/user-error";

/** The UserError message of `run`, or a failure when it throws anything else or nothing. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).to.be.instanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("evidence: the gates' settings (driver.yaml analysis.evidence)", () => {
  it("ships power 0.95, a 2x tolerance to stable, two alarm periods and a 900 s timeout", () => {
    expect(DEFAULT_SETTINGS.analysis.evidence).to.deep.equal({
      power: 0.95,
      maxRatioToStable: 2,
      floorAlarmPeriods: 2,
      timeoutSeconds: 900,
      requestsPerSecond: { aws: 100, local: 100 },
    });
    // No fixed bake any more: the floor comes from the alarms unless bakeSeconds sets one.
    expect(DEFAULT_SETTINGS.bakeSeconds).to.equal(undefined);
    const shipped = loadDriverSettings(DEFAULT_SETTINGS_FILE, path.resolve(__dirname, "../../.."));
    expect(shipped.analysis.evidence).to.deep.equal(DEFAULT_SETTINGS.analysis.evidence);
    expect(shipped.bakeSeconds).to.equal(undefined);
  });

  it("refuses at load traffic that can never show the minimum sample, with the numbers", () => {
    // 10 req/s at the 10% local step for 300 s: 300 requests, not the 595 a pass needs.
    expect(
      refusal(() =>
        parseDriverSettings(
          { analysis: { evidence: { requestsPerSecond: { local: 10 }, timeoutSeconds: 300 } } },
          "driver.yaml",
          ".",
        ),
      ),
    ).to.equal(
      "driver.yaml: traffic.local step 10% (analysis.evidence.requestsPerSecond.local for timeoutSeconds): " +
        "analysis.maxErrorRate = 0.01 at confidence 0.95 and power 0.95 with p99 <= 500 ms needs at least 595 " +
        "of the candidate's requests to pass, but 10 req/s at a 10% share for 300 s gives 300: the gate could " +
        "never pass. Allowed: a timeout of at least 595 s at this traffic, a larger weight, or a looser limit",
    );
    // The same traffic passes in time with a flip-only plan (100% at once).
    expect(() =>
      parseDriverSettings(
        {
          traffic: { local: [100] },
          analysis: { evidence: { requestsPerSecond: { local: 10 }, timeoutSeconds: 300 } },
        },
        "driver.yaml",
        ".",
      ),
    ).to.not.throw();
  });

  it("refuses a preview probe too thin for verify's timeout", () => {
    const message = refusal(() =>
      parseDriverSettings(
        {
          analysis: { previewRequestsPerCheck: 5, intervalSeconds: 10, verifyTimeoutSeconds: 600 },
        },
        "driver.yaml",
        ".",
      ),
    );
    expect(message).to.match(/^driver\.yaml: verify \(analysis\.previewRequestsPerCheck/);
    expect(message).to.contain(
      "needs at least 595 of the candidate's requests to pass, but 0.5 req/s",
    );
    expect(message).to.contain("gives 300");
  });

  it("refuses levels, rates and a floor outside what is allowed, naming the key and the value", () => {
    expect(
      refusal(() => parseDriverSettings({ analysis: { evidence: { power: 1 } } }, "d.yaml", ".")),
    ).to.equal(
      "d.yaml: invalid driver settings:\n  - analysis.evidence.power: must be above 0.5 and below 1 (got 1)",
    );
    expect(
      refusal(() =>
        parseDriverSettings(
          { analysis: { evidence: { acceptableErrorRate: 0.02 } } },
          "d.yaml",
          ".",
        ),
      ),
    ).to.contain("acceptable rate 0.02 must be above 0 and below the limit 0.01");
    expect(
      refusal(() => parseDriverSettings({ analysis: { maxErrorRate: 0 } }, "d.yaml", ".")),
    ).to.contain("analysis.maxErrorRate = 0: no sample can show a rate under 0");
    expect(
      refusal(() =>
        parseDriverSettings({ analysis: { evidence: { floorAlarmPeriods: -1 } } }, "d.yaml", "."),
      ),
    ).to.contain("analysis.evidence.floorAlarmPeriods: must be 0 or more (got -1)");
  });
});
