import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { expect } from "chai";
import { AppConfigError, parseAppConfig } from "../../app/app-options";
import { DEFAULT_RUNTIME_SETTINGS, runtimeDocument } from "../../app/runtime-settings";
import {
  ParameterReader,
  readSsmRuntimeSettings,
  SsmSender,
  ssmParameterReader,
  withRuntimeSettings,
} from "../../app/ssm-runtime-settings";

/** A fake SSM: parameters by name, and the names asked for. */
function fakeSsm(parameters: Record<string, string>): ParameterReader & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    getParameter: (name) => {
      asked.push(name);
      return Promise.resolve(parameters[name]);
    },
  };
}

describe("app runtime settings from SSM (EC2)", () => {
  const settings = { ...DEFAULT_RUNTIME_SETTINGS, databasePoolSize: 40, complianceMode: "SOX" };
  const root = "/outpost-fleet/production/us";

  it("reads <CONFIG_SSM_PATH>/runtime when the env gives no settings", async () => {
    const ssm = fakeSsm({ [`${root}/runtime`]: JSON.stringify(runtimeDocument(settings)) });
    const config = await withRuntimeSettings(
      parseAppConfig({ CONFIG_SSM_PATH: root, AWS_REGION: "us-east-1" }),
      () => Promise.resolve(ssm),
    );
    expect(ssm.asked).to.deep.equal([`${root}/runtime`]);
    expect(config.runtimeSettings).to.deep.equal(settings);
  });

  it("never asks SSM without CONFIG_SSM_PATH, or when APP_RUNTIME_CONFIG is given", async () => {
    const ssm = fakeSsm({});
    const bare = await withRuntimeSettings(parseAppConfig({}), () => Promise.resolve(ssm));
    expect(bare.runtimeSettings).to.deep.equal(DEFAULT_RUNTIME_SETTINGS);
    const given = await withRuntimeSettings(
      parseAppConfig({ CONFIG_SSM_PATH: root, APP_RUNTIME_CONFIG: JSON.stringify(settings) }),
      () => Promise.resolve(ssm),
    );
    expect(given.runtimeSettings).to.deep.equal(settings);
    expect(ssm.asked).to.deep.equal([]);
  });

  it("refuses a missing parameter, bad settings or a fingerprint that does not match", async () => {
    const read = (text: string | undefined) =>
      readSsmRuntimeSettings(
        root,
        fakeSsm(text === undefined ? {} : { [`${root}/runtime`]: text }),
      );
    const failure = async (text: string | undefined) =>
      read(text).then(
        () => expect.fail("should be refused"),
        (error: Error) => {
          expect(error).to.be.instanceOf(AppConfigError);
          return error.message;
        },
      );
    expect(await failure(undefined)).to.include(`SSM parameter ${root}/runtime has no value`);
    expect(await failure("nope")).to.include("is not valid JSON");
    const bad = { ...settings, cacheTtlSeconds: -1 };
    expect(await failure(JSON.stringify(runtimeDocument(bad)))).to.include(
      "settings cacheTtlSeconds=-1 must be a whole number from 0 to 86400",
    );
    const tampered = { ...runtimeDocument(settings), settings: { ...settings, apiTimeoutMs: 999 } };
    expect(await failure(JSON.stringify(tampered))).to.match(
      /fingerprint="sha256:[0-9a-f]{64}" must be sha256:[0-9a-f]{64}, the fingerprint of its settings/,
    );
  });

  it("the real reader sends GetParameter through the SDK's client", async () => {
    const sent: unknown[] = [];
    const client: SsmSender = {
      send: (command) => {
        sent.push(command);
        return Promise.resolve({ Parameter: { Value: "text" }, $metadata: {} });
      },
    };
    const reader = await ssmParameterReader("us-east-1", client);
    expect(await reader.getParameter(`${root}/runtime`)).to.equal("text");
    expect(sent).to.have.length(1);
    expect(sent[0]).to.be.instanceOf(GetParameterCommand);
    expect((sent[0] as GetParameterCommand).input).to.deep.equal({ Name: `${root}/runtime` });
  });

  it("the real reader takes SSM's ParameterNotFound as no value; other errors stay errors", async () => {
    const failing = (name: string): SsmSender => ({
      send: () => Promise.reject(Object.assign(new Error(`${name} from SSM`), { name })),
    });
    const missing = await ssmParameterReader("us-east-1", failing("ParameterNotFound"));
    expect(await missing.getParameter(`${root}/runtime`)).to.equal(undefined);
    const denied = await ssmParameterReader("us-east-1", failing("AccessDeniedException"));
    const error = await denied.getParameter(`${root}/runtime`).catch((e: Error) => e);
    expect((error as Error).name).to.equal("AccessDeniedException");
  });
});
