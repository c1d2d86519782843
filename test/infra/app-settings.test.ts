import { expect } from "chai";
import { runtimeFingerprint } from "../../app/runtime-settings";
import {
  appRuntimeDocument,
  canonicalJson,
  ConfigValidationError,
  loadFleetConfig,
  readStackFile,
  StackLayer,
} from "../../infra/config";
import { recordStack } from "../support/record-stack";
import { ofType } from "./helpers";

function withAppSettings(appSettings: Record<string, unknown>, stack = "us"): StackLayer {
  return { ...readStackFile(stack), overrides: { appSettings } };
}

function problemsOf(layer: StackLayer): string {
  try {
    loadFleetConfig(layer);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigValidationError);
    return (error as Error).message;
  }
  throw new Error("the config was accepted");
}

describe("appSettings: the app's runtime settings", () => {
  it("merges the global layer with environment overrides: staging turns newCheckout on", () => {
    const production = loadFleetConfig(readStackFile("us"));
    expect(production.appSettings).to.deep.equal({
      databasePoolSize: 20,
      cacheTtlSeconds: 300,
      apiTimeoutMs: 3000,
      featureFlags: { newCheckout: false, recommendations: true },
    });
    const staging = loadFleetConfig({ ...readStackFile("us"), environment: "staging" });
    expect(staging.appSettings.featureFlags).to.deep.equal({
      newCheckout: true,
      recommendations: true,
    });
  });

  it("builds the runtime document from appSettings, the log level and the region", () => {
    const config = loadFleetConfig(readStackFile("eu"));
    const document = appRuntimeDocument(config);
    expect(document.settings).to.deep.equal({
      databasePoolSize: 20,
      cacheTtlSeconds: 300,
      apiTimeoutMs: 3000,
      featureFlags: { newCheckout: false, recommendations: true },
      logLevel: "info",
      complianceMode: "GDPR",
      dataResidency: "eu",
    });
    expect(document.fingerprint).to.match(/^sha256:[0-9a-f]{64}$/);
    // One implementation: the stack's fingerprint is the app's, over canonical JSON.
    expect(document.fingerprint).to.equal(runtimeFingerprint(document.settings));
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: 2 }] })).to.equal(
      '{"a":[2,{"c":2,"d":1}],"b":1}',
    );
  });

  it("gives each region its own runtime fingerprint, and a setting change a new one", () => {
    const us = appRuntimeDocument(loadFleetConfig(readStackFile("us")));
    const eu = appRuntimeDocument(loadFleetConfig(readStackFile("eu")));
    expect(us.fingerprint).to.not.equal(eu.fingerprint);
    const bigger = appRuntimeDocument(loadFleetConfig(withAppSettings({ databasePoolSize: 21 })));
    expect(bigger.fingerprint).to.not.equal(us.fingerprint);
  });

  it("refuses out-of-range numbers, naming the key, the value and the range", () => {
    const message = problemsOf(
      withAppSettings({ databasePoolSize: 0, cacheTtlSeconds: 86401, apiTimeoutMs: 99.5 }),
    );
    expect(message).to.include(
      "outpost-fleet:appSettings.databasePoolSize = 0: must be a whole number from 1 to 500",
    );
    expect(message).to.include(
      "outpost-fleet:appSettings.cacheTtlSeconds = 86401: must be a whole number from 0 to 86400",
    );
    expect(message).to.include(
      "outpost-fleet:appSettings.apiTimeoutMs = 99.5: must be a whole number from 100 to 60000",
    );
  });

  it("refuses a text where a number belongs, a non-boolean flag and a badly named flag", () => {
    const message = problemsOf(
      withAppSettings({
        databasePoolSize: "20",
        featureFlags: { darkMode: "yes", "new-checkout": true },
      }),
    );
    expect(message).to.include(
      'outpost-fleet:appSettings.databasePoolSize = "20": must be number, not string',
    );
    expect(message).to.include(
      'outpost-fleet:appSettings.featureFlags.darkMode = "yes": must be boolean, not string',
    );
    expect(message).to.include(
      "outpost-fleet:appSettings.featureFlags.new-checkout = true: must be a camelCase flag name (letters and digits, up to 64)",
    );
  });

  it("refuses an unknown setting", () => {
    expect(problemsOf(withAppSettings({ poolSize: 5 }))).to.include(
      "outpost-fleet:appSettings.poolSize = 5: is not a known key",
    );
  });
});

describe("appSettings published by the AWS stack", () => {
  it("writes <root>/runtime to SSM and outputs its fingerprint as runtimeFingerprint", async () => {
    const { resources, outputs } = await recordStack("eu");
    const expected = appRuntimeDocument(loadFleetConfig(readStackFile("eu")));
    const parameter = ofType(resources, "aws:ssm/parameter:Parameter").find(
      (r) => r.name === "eu-config-runtime",
    );
    expect(parameter?.inputs).to.deep.include({
      name: "/outpost-fleet/production/eu/runtime",
      type: "String",
    });
    // The provider marks a parameter's value secret, so the mock records it wrapped.
    const raw = parameter?.inputs.value as unknown;
    const text = typeof raw === "string" ? raw : (raw as { value: string }).value;
    expect(JSON.parse(text)).to.deep.equal(expected);
    expect(outputs.runtimeFingerprint).to.equal(expected.fingerprint);
  });
});
