import { expect } from "chai";
import { AppConfigError, parseAppConfig } from "../../app/app-options";
import { DEFAULT_RUNTIME_SETTINGS } from "../../app/runtime-settings";

describe("app config", () => {
  it("uses defaults that keep the app on loopback", () => {
    const config = parseAppConfig({});
    expect(config).to.include({ host: "127.0.0.1", port: 8080, color: "blue", faultErrorRate: 0 });
    expect(config.portFile).to.equal(undefined);
  });

  it("reads the environment and lets flags override it", () => {
    const config = parseAppConfig(
      { PORT: "9000", APP_VERSION: "2.0.0", APP_COLOR: "green", OUTPOST: "nyc-lab1" },
      ["--port", "0", "--version=2.1.0", "--instance", "pool-1/1"],
    );
    expect(config).to.include({ port: 0, version: "2.1.0", color: "green", outpost: "nyc-lab1" });
  });

  it("refuses bad values, naming the variable, the value and the valid range", () => {
    const attempt = () =>
      parseAppConfig({ APP_FAULT_ERROR_RATE: "1.5", APP_COLOR: "red", PORT: "80.5" });
    expect(attempt).to.throw(
      AppConfigError,
      /APP_FAULT_ERROR_RATE="1.5" must be a number from 0 to 1/,
    );
    expect(attempt).to.throw(/APP_COLOR="red" must be blue or green/);
    expect(attempt).to.throw(/PORT="80.5" must be a whole number from 0 to 65535/);
  });

  it("reads the admission limit (default none) and refuses a negative one", () => {
    expect(parseAppConfig({})).to.deep.include({ maxInFlight: 0, shedRetryAfterSeconds: 1 });
    expect(parseAppConfig({}, ["--max-in-flight", "64"]).maxInFlight).to.equal(64);
    expect(() => parseAppConfig({ APP_MAX_IN_FLIGHT: "-1" })).to.throw(
      AppConfigError,
      /APP_MAX_IN_FLIGHT="-1" must be a whole number from 0 to 100000/,
    );
  });

  it("reads the paths a fault is scoped to, and refuses what is not a path", () => {
    expect(parseAppConfig({}).faultPaths).to.equal(undefined);
    expect(parseAppConfig({ APP_FAULT_PATHS: "" }).faultPaths).to.equal(undefined);
    expect(parseAppConfig({}, ["--fault-paths", "/, /cart"]).faultPaths).to.deep.equal([
      "/",
      "/cart",
    ]);
    expect(() => parseAppConfig({ APP_FAULT_PATHS: "/,cart" })).to.throw(
      AppConfigError,
      /APP_FAULT_PATHS="\/,cart": "cart" must be request paths starting with \/, separated by commas/,
    );
  });

  it("reads the broken paths like the fault paths", () => {
    expect(parseAppConfig({}).faultBrokenPaths).to.equal(undefined);
    expect(
      parseAppConfig({}, ["--fault-broken-paths", "/api/products"]).faultBrokenPaths,
    ).to.deep.equal(["/api/products"]);
    expect(() => parseAppConfig({ APP_FAULT_BROKEN_PATHS: "api" })).to.throw(
      AppConfigError,
      /APP_FAULT_BROKEN_PATHS="api": "api" must be request paths starting with \//,
    );
  });

  it("reads runtime settings from APP_RUNTIME_CONFIG, defaults without it", () => {
    expect(parseAppConfig({}).runtimeSettings).to.deep.equal(DEFAULT_RUNTIME_SETTINGS);
    expect(parseAppConfig({}).runtimeSettingsGiven).to.equal(false);
    const settings = { ...DEFAULT_RUNTIME_SETTINGS, databasePoolSize: 7, logLevel: "debug" };
    const config = parseAppConfig({ APP_RUNTIME_CONFIG: JSON.stringify(settings) });
    expect(config.runtimeSettings).to.deep.equal(settings);
    expect(config.runtimeSettingsGiven).to.equal(true);
  });

  it("refuses bad runtime settings, naming the key, the value and what is allowed", () => {
    const bad = {
      ...DEFAULT_RUNTIME_SETTINGS,
      databasePoolSize: 0,
      apiTimeoutMs: 2.5,
      logLevel: "loud",
      featureFlags: { newCheckout: "yes", "bad-name": true },
      colour: "blue",
    };
    const attempt = () => parseAppConfig({ APP_RUNTIME_CONFIG: JSON.stringify(bad) });
    expect(attempt).to.throw(
      AppConfigError,
      /APP_RUNTIME_CONFIG databasePoolSize=0 must be a whole number from 1 to 500/,
    );
    expect(attempt).to.throw(/apiTimeoutMs=2.5 must be a whole number from 100 to 60000/);
    expect(attempt).to.throw(/logLevel="loud" must be one of debug, info, warn, error/);
    expect(attempt).to.throw(/featureFlags.newCheckout="yes" must be true or false/);
    expect(attempt).to.throw(/featureFlags.bad-name=true has a bad name/);
    expect(attempt).to.throw(/colour="blue" is not a runtime setting/);
    expect(() => parseAppConfig({ APP_RUNTIME_CONFIG: "{not json" })).to.throw(
      /APP_RUNTIME_CONFIG="\{not json" is not valid JSON/,
    );
    expect(() => parseAppConfig({ APP_RUNTIME_CONFIG: "[]" })).to.throw(
      /APP_RUNTIME_CONFIG=\[\] must be a JSON object of runtime settings/,
    );
  });

  it("refuses unknown flags and flags without a value", () => {
    expect(() => parseAppConfig({}, ["--colour", "green"])).to.throw(/unknown flag --colour/);
    expect(() => parseAppConfig({}, ["--port"])).to.throw(/flag --port needs a value/);
  });
});
