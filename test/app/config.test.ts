import { expect } from "chai";
import { AppConfigError, parseAppConfig } from "../../app/config";

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

  it("refuses unknown flags and flags without a value", () => {
    expect(() => parseAppConfig({}, ["--colour", "green"])).to.throw(/unknown flag --colour/);
    expect(() => parseAppConfig({}, ["--port"])).to.throw(/flag --port needs a value/);
  });
});
