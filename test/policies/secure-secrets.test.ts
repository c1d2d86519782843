import { expect } from "chai";
import { noPlaintextSecrets } from "../../policies/secure-secrets";
import { failures } from "./support/check";
import { launchTemplate, parameter, res, rollout, withProp } from "./support/policy-fixtures";

describe("policies: no-plaintext-secrets", () => {
  const root = "/outpost-fleet/production/us";

  it("passes plain config parameters, a Rollout and user data without secrets", async () => {
    const resources = [
      parameter(`${root}/app`, JSON.stringify({ name: "storefront", port: 8080 })),
      rollout(),
      launchTemplate(),
    ];
    expect(await failures([noPlaintextSecrets], resources)).to.deep.equal([]);
  });

  it("fails a secret-looking parameter name stored as a String", async () => {
    const p = parameter(`${root}/database-password`, "hunter2");
    const [v, ...rest] = await failures([noPlaintextSecrets], [p]);
    expect(rest).to.deep.equal([]);
    expect(v.message).to.equal(
      `SSM parameter ${root}/database-password looks like a secret ("database-password") but is a plain String; use SecureString or Secrets Manager.`,
    );
    expect(v.urn).to.equal(p.urn);
  });

  it("passes the same parameter as a SecureString", async () => {
    expect(
      await failures(
        [noPlaintextSecrets],
        [parameter(`${root}/database-password`, "x", "SecureString")],
      ),
    ).to.deep.equal([]);
  });

  it("fails a declared secret name even when it does not look like one", async () => {
    const p = parameter(`${root}/payment`, "x");
    const config = { "no-plaintext-secrets": { secretNames: ["payment"] } };
    expect(await failures([noPlaintextSecrets], [p])).to.deep.equal([]);
    expect(await failures([noPlaintextSecrets], [p], config)).to.have.length(1);
  });

  it("fails a JSON config section that carries a secret value", async () => {
    const p = parameter(
      `${root}/region`,
      JSON.stringify({ databaseEndpoint: "db", databasePassword: "hunter2" }),
    );
    const [v] = await failures([noPlaintextSecrets], [p]);
    expect(v.message).to.equal(
      `SSM parameter ${root}/region holds a value for "databasePassword" in plain String; move it to Secrets Manager.`,
    );
  });

  it("fails a private key in a plain parameter", async () => {
    const p = parameter(`${root}/tls`, "-----BEGIN RSA PRIVATE KEY-----\nabc");
    expect((await failures([noPlaintextSecrets], [p]))[0].message).to.contain(
      "looks like a key or credential",
    );
  });

  it("fails a container env var with a literal secret", async () => {
    const r = rollout();
    const env = [
      { name: "APP_VERSION", value: "2.0.0" },
      { name: "DB_PASSWORD", value: "hunter2" },
    ];
    const [v] = await failures(
      [noPlaintextSecrets],
      [withProp(r, "spec.template.spec.containers", [{ name: "storefront", env }])],
    );
    expect(v.message).to.equal(
      "container storefront sets env DB_PASSWORD to a literal value; use valueFrom.secretKeyRef.",
    );
    expect(v.urn).to.equal(r.urn);
  });

  it("passes an env var that references a Kubernetes Secret", async () => {
    const env = [
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
    ];
    expect(
      await failures(
        [noPlaintextSecrets],
        [withProp(rollout(), "spec.template.spec.containers", [{ name: "s", env }])],
      ),
    ).to.deep.equal([]);
  });

  it("fails a ConfigMap key that looks like a secret", async () => {
    const cm = res("kubernetes:core/v1:ConfigMap", "cm", { data: { apiKey: "abc", mode: "x" } });
    expect((await failures([noPlaintextSecrets], [cm]))[0].message).to.equal(
      'ConfigMap key "apiKey" looks like a secret; put it in a Kubernetes Secret.',
    );
  });

  it("fails user data that exports a secret", async () => {
    const script = Buffer.from("#!/bin/bash\nexport API_TOKEN=abc123\n").toString("base64");
    const [v] = await failures(
      [noPlaintextSecrets],
      [withProp(launchTemplate(), "userData", script)],
    );
    expect(v.message).to.equal(
      "userData sets API_TOKEN in plain text; read it from Secrets Manager at boot instead.",
    );
  });
});
