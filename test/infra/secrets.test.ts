import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { readStackFile } from "../../infra/config";
import { StrictFleetMocks } from "../support/fleet-mocks";
import { EXAMPLE_SECRETS, loadProgram, recordStack } from "../support/record-stack";
import { ofType } from "./helpers";

const PASSWORD = "s3cr3t-hunter2-value";

describe("secrets", () => {
  it("go to Secrets Manager under the stack's path, never to SSM or plain outputs", async () => {
    const { resources, outputs } = await recordStack("eu", {
      secrets: { ...EXAMPLE_SECRETS, "database-password": PASSWORD },
    });
    const secrets = ofType(resources, "aws:secretsmanager/secret:Secret");
    expect(secrets.map((s) => s.inputs.name)).to.deep.equal([
      "/outpost-fleet/production/eu/database-password",
      "/outpost-fleet/production/eu/cache-auth-token",
      "/outpost-fleet/production/eu/payment-api-key",
    ]);
    expect(ofType(resources, "aws:secretsmanager/secretVersion:SecretVersion")).to.have.length(3);
    for (const parameter of ofType(resources, "aws:ssm/parameter:Parameter")) {
      expect(JSON.stringify(parameter.inputs), parameter.name).to.not.include(PASSWORD);
      expect(parameter.inputs.type).to.equal("String");
    }
    expect(JSON.stringify(outputs.outposts)).to.not.include(PASSWORD);
  });

  it("keeps the secret value and the kubeconfigs marked secret", async () => {
    const mocks = new StrictFleetMocks("eu", "eu-west-1");
    await pulumi.runtime.setMocks(mocks, "outpost-fleet", "eu");
    const { fleetProgram } = loadProgram();
    const secrets = { ...EXAMPLE_SECRETS, "database-password": PASSWORD };
    const outputs = fleetProgram(
      readStackFile("eu"),
      Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, pulumi.secret(v)])),
    );
    expect(await pulumi.isSecret(outputs.kubeconfigs as pulumi.Output<unknown>)).to.equal(true);
    const kubeconfigs = await new Promise<Record<string, string>>((resolve) =>
      (outputs.kubeconfigs as pulumi.Output<Record<string, string>>).apply(resolve),
    );
    expect(Object.keys(kubeconfigs)).to.deep.equal(["dub-dc1", "fra-dc1", "ams-dc1", "lhr-dc1"]);
    const kubeconfig = JSON.parse(kubeconfigs["dub-dc1"]) as {
      users: { user: { exec: { args: string[] } } }[];
    };
    // A local cluster authenticates by its cluster id, not its name.
    expect(kubeconfig.users[0].user.exec.args.slice(0, 3)).to.deep.equal([
      "eks",
      "get-token",
      "--cluster-id",
    ]);
  });

  it("outside production, a declared secret without a value is skipped with a warning, never created empty", async () => {
    const layer = { ...readStackFile("eu"), environment: "staging" };
    const { resources } = await recordStack(layer, {
      secrets: { "database-password": PASSWORD },
    });
    const names = ofType(resources, "aws:secretsmanager/secret:Secret").map((s) => s.inputs.name);
    expect(names).to.deep.equal(["/outpost-fleet/staging/eu/database-password"]);
    const [policy] = ofType(resources, "aws:iam/policy:Policy");
    const document = JSON.parse(policy.inputs.policy as string) as {
      Statement: { Resource: string[] }[];
    };
    expect(document.Statement[1].Resource).to.have.length(1);
  });
});
