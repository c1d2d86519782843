import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { journalPlace } from "../../automation/cli/driver-places";
import {
  describeProfile,
  needsPassphrase,
  requirePassphrases,
  resolveEngineProfile,
} from "../../automation/engine/engine-profile";
import { backendEnvironment } from "../../automation/engine/pulumi-environment";
import {
  describeLocation,
  locationBesideBackend,
  parseStoreLocation,
} from "../../automation/store/store-location";
import { UserError } from "../../automation/support/user-error";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-profile-"));
const aws = { name: "us", target: "aws" as const };
const local = { name: "local-us", target: "local" as const };

function caught(action: () => unknown): UserError {
  try {
    action();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error("expected a UserError");
}

describe("engine profiles", () => {
  /** An environment with no backend: an empty PULUMI_HOME (no `pulumi login`). */
  const bare = () => ({ PULUMI_HOME: tmp() });
  const inputs = (stacks: { name: string; target: "aws" | "local" }[], env: NodeJS.ProcessEnv) => ({
    stacks,
    env,
    defaultStateDir: "/repo/.pulumi-local/state",
  });

  it("local-target stacks with nothing set run on the local profile", () => {
    expect(resolveEngineProfile(inputs([local], bare()))).to.deep.equal({
      kind: "local",
      stateDir: "/repo/.pulumi-local/state",
    });
  });

  it("an explicit backend wins for every stack, local ones included: flag, then OUTPOST_FLEET_BACKEND_URL, then PULUMI_BACKEND_URL", () => {
    const env = {
      ...bare(),
      OUTPOST_FLEET_BACKEND_URL: "s3://from-ours",
      PULUMI_BACKEND_URL: "s3://from-pulumi",
    };
    expect(
      resolveEngineProfile({ ...inputs([local], env), backendUrl: "s3://from-flag" }),
    ).to.deep.equal({
      kind: "backend",
      backendUrl: "s3://from-flag",
      source: "--backend-url",
    });
    expect(resolveEngineProfile(inputs([local], env))).to.include({
      backendUrl: "s3://from-ours",
      source: "OUTPOST_FLEET_BACKEND_URL",
    });
    expect(
      resolveEngineProfile(inputs([aws], { ...bare(), PULUMI_BACKEND_URL: "s3://from-pulumi" })),
    ).to.include({ backendUrl: "s3://from-pulumi", source: "PULUMI_BACKEND_URL" });
  });

  it("aws stacks use what pulumi login stored", () => {
    const home = tmp();
    fs.writeFileSync(
      path.join(home, "credentials.json"),
      JSON.stringify({ current: "s3://fleet-state/prod", accessTokens: {} }),
    );
    const profile = resolveEngineProfile(inputs([aws, local], { PULUMI_HOME: home }));
    expect(profile).to.deep.equal({
      kind: "backend",
      backendUrl: "s3://fleet-state/prod",
      source: "pulumi login",
    });
    expect(describeProfile(profile)).to.equal("s3://fleet-state/prod (from pulumi login)");
  });

  it("refuses an aws stack on the local profile, naming the stack and the fix", () => {
    expect(caught(() => resolveEngineProfile(inputs([local, aws], bare()))).message).to.match(
      /^stack us has target aws and cannot run on the local profile .*no backend is configured\)\. Point the driver at your own backend: --backend-url s3:\/\/<bucket>, PULUMI_BACKEND_URL, or pulumi login/,
    );
    const withStateDir = caught(() =>
      resolveEngineProfile({ ...inputs([aws], bare()), stateDir: "/tmp/state" }),
    );
    expect(withStateDir.message).to.match(/stack us has target aws .*--state-dir/);
    expect(withStateDir.exitCode).to.equal(2);
  });

  it("refuses --state-dir together with a backend, and a URL that is no backend", () => {
    expect(
      caught(() =>
        resolveEngineProfile({
          ...inputs([local], { ...bare(), PULUMI_BACKEND_URL: "s3://b" }),
          stateDir: "/tmp/x",
        }),
      ).message,
    ).to.match(
      /--state-dir = "\/tmp\/x" is the local profile's file backend, but PULUMI_BACKEND_URL/,
    );
    expect(
      caught(() => resolveEngineProfile({ ...inputs([aws], bare()), backendUrl: "ftp://x" }))
        .message,
    ).to.match(/--backend-url = "ftp:\/\/x": not a Pulumi backend URL/);
  });

  it("needs a passphrase for stacks on the passphrase provider, never for KMS ones", () => {
    const dir = tmp();
    const file = (name: string, text: string) => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const salted = file("Pulumi.a.yaml", "encryptionsalt: v1:abc\nconfig: {}\n");
    const kms = file(
      "Pulumi.b.yaml",
      "secretsprovider: awskms://alias/fleet?region=us-east-1\nencryptedkey: AQI=\nconfig: {}\n",
    );
    const plain = file("Pulumi.c.yaml", "config: {}\n");
    expect(needsPassphrase(salted, "s3://b")).to.equal(true);
    expect(needsPassphrase(kms, "s3://b")).to.equal(false);
    expect(needsPassphrase(plain, "s3://b"), "DIY default").to.equal(true);
    expect(needsPassphrase(plain, "https://api.pulumi.com"), "Cloud default").to.equal(false);

    const stacks = [
      { name: "a", file: salted },
      { name: "b", file: kms },
    ];
    expect(caught(() => requirePassphrases(stacks, "s3://b", {})).message).to.match(
      /^stack a uses the passphrase secrets provider, and neither PULUMI_CONFIG_PASSPHRASE nor PULUMI_CONFIG_PASSPHRASE_FILE is set/,
    );
    expect(() =>
      requirePassphrases(stacks, "s3://b", { PULUMI_CONFIG_PASSPHRASE: "x" }),
    ).not.to.throw();
    expect(() => requirePassphrases([stacks[1]], "s3://b", {})).not.to.throw();
  });

  it("the backend environment is the user's own: their PULUMI_HOME, no passphrase, no offline switches", () => {
    const env = {
      PATH: "/usr/bin",
      PULUMI_HOME: "/home/ci/.pulumi",
      AWS_PROFILE: "fleet",
      OUTPOST_FLEET_PULUMI: process.execPath, // any executable stands in for the CLI here
    };
    const environment = backendEnvironment({ backendUrl: "s3://fleet-state", env });
    expect(environment.profile).to.equal("backend");
    expect(environment.pulumiHome).to.equal("/home/ci/.pulumi");
    expect(environment.env).to.include({
      PULUMI_BACKEND_URL: "s3://fleet-state",
      PULUMI_HOME: "/home/ci/.pulumi",
      AWS_PROFILE: "fleet",
    });
    for (const key of [
      "PULUMI_CONFIG_PASSPHRASE",
      "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION",
      "PULUMI_SKIP_UPDATE_CHECK",
    ]) {
      expect(environment.env, key).not.to.have.property(key);
    }
    // From `pulumi login`: the CLI finds the backend itself.
    expect(backendEnvironment({ backendUrl: undefined, env }).env).not.to.have.property(
      "PULUMI_BACKEND_URL",
    );
  });
});

describe("journal places", () => {
  it("parses folders, file:// and s3:// URLs with their parameters", () => {
    expect(parseStoreLocation("journal", "--journal-url", "/work")).to.deep.equal({
      kind: "file",
      dir: "/work/journal",
    });
    expect(parseStoreLocation("file:///var/fleet", "--journal-url")).to.deep.equal({
      kind: "file",
      dir: "/var/fleet",
    });
    expect(
      parseStoreLocation(
        "s3://fleet-journal/prod/eu/?endpoint=http://127.0.0.1:7070&region=eu-west-1&use_path_style=true",
        "--journal-url",
      ),
    ).to.deep.equal({
      kind: "s3",
      bucket: "fleet-journal",
      prefix: "prod/eu",
      endpoint: "http://127.0.0.1:7070",
      region: "eu-west-1",
      pathStyle: true,
    });
  });

  it("names the flag, the value and what is allowed for a bad URL", () => {
    expect(caught(() => parseStoreLocation("gs://x/y", "--journal-url")).message).to.equal(
      '--journal-url = "gs://x/y": must be a folder, a file:// URL or s3://bucket/prefix',
    );
    expect(caught(() => parseStoreLocation("s3://B/x", "--journal-url")).message).to.match(
      /"B" is not an S3 bucket name/,
    );
    expect(
      caught(() => parseStoreLocation("s3://bucket/x?endpoint=localhost:1", "--journal-url"))
        .message,
    ).to.match(/endpoint "localhost:1" must be an http:\/\/ or https:\/\/ URL/);
    expect(
      caught(() => parseStoreLocation("s3://bucket/x?acl=public", "OUTPOST_FLEET_JOURNAL_URL"))
        .message,
    ).to.match(
      /^OUTPOST_FLEET_JOURNAL_URL = .*unknown parameter acl: allowed are endpoint, region, use_path_style, s3ForcePathStyle/,
    );
  });

  it("the default follows the backend: beside the state of an s3:// or file:// backend", () => {
    const beside = locationBesideBackend(
      "s3://fleet-state/prod?endpoint=http://127.0.0.1:9000&use_path_style=true&awssdk=v2",
      "outpost-fleet",
    );
    expect(beside).to.deep.equal({
      kind: "s3",
      bucket: "fleet-state",
      prefix: "prod/.outpost-fleet/outpost-fleet",
      endpoint: "http://127.0.0.1:9000",
      region: undefined,
      pathStyle: true,
    });
    expect(describeLocation(beside!)).to.equal(
      "s3://fleet-state/prod/.outpost-fleet/outpost-fleet",
    );
    expect(locationBesideBackend("file:///srv/state", "p")).to.deep.equal({
      kind: "file",
      dir: "/srv/state/.outpost-fleet/p",
    });
    expect(locationBesideBackend("https://api.pulumi.com", "p")).to.equal(undefined);
  });

  it("two drivers in different folders on one backend meet the same place; Pulumi Cloud needs --journal-url", () => {
    const profile = {
      kind: "backend" as const,
      backendUrl: "s3://fleet-state",
      source: "PULUMI_BACKEND_URL" as const,
    };
    const project = (dir: string) => {
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: outpost-fleet\nruntime: nodejs\n");
      return dir;
    };
    const a = journalPlace({}, project(tmp()), profile, {});
    const b = journalPlace({}, project(tmp()), profile, {});
    expect(a).to.deep.equal(b);
    expect(describeLocation(a.location)).to.equal("s3://fleet-state/.outpost-fleet/outpost-fleet");
    expect(a.source).to.equal("beside the state of PULUMI_BACKEND_URL");
    expect(
      caught(() =>
        journalPlace(
          {},
          tmp(),
          { kind: "backend", backendUrl: "https://api.pulumi.com", source: "pulumi login" },
          {},
        ),
      ).message,
    ).to.match(
      /cannot hold the driver's journal and fleet lock: name a place .* --journal-url s3:\/\/<bucket>\/<prefix>/,
    );
    expect(journalPlace({ "journal-url": "s3://mine/j" }, tmp(), profile, {}).source).to.equal(
      "--journal-url",
    );
  });
});
