/**
 * The kubeconfig of each Outpost's cluster mints its token as the identity that created the
 * cluster: a local cluster admits its creator (the stack's deploy role, `aws:assumeRoles`)
 * and, until aws-auth maps more, nobody else.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
  ConfigValidationError,
  loadFleetConfig,
  readStackFile,
  StackLayer,
} from "../../infra/config";
import { renderKubeconfig } from "../../infra/aws/kubeconfig";
import { readStackConfig } from "../../infra/stack-config";
import { unwrapSecrets } from "../policies/support/recorded";
import { recordStack } from "../support/record-stack";
import { ofType } from "./helpers";

interface Kubeconfig {
  users: { user: { exec: { command: string; args: string[] } } }[];
}

const LOCAL = {
  clusterName: "storefront-production-nyc-dc1",
  clusterKind: "local" as const,
  clusterId: "0b3fd9d2-aaaa-bbbb-cccc-5f2e7c1d9a10",
  endpoint: "https://ABC.gr7.us-east-1.eks.amazonaws.com",
  certificateAuthority: "Y2E=",
  region: "us-east-1",
};

function execOf(kubeconfig: string): { command: string; args: string[] } {
  return (JSON.parse(kubeconfig) as Kubeconfig).users[0].user.exec;
}

function problemsOf(layer: StackLayer): { key: string; value: unknown; allowed: string }[] {
  try {
    loadFleetConfig(layer);
    return [];
  } catch (error) {
    if (error instanceof ConfigValidationError) return [...error.problems];
    throw error;
  }
}

describe("the clusters' kubeconfig", () => {
  it("assumes the creating role for the token, by cluster id on a local cluster", () => {
    const exec = execOf(
      renderKubeconfig({
        ...LOCAL,
        roleArn: "arn:aws:iam::111122223333:role/outpost-fleet-deploy-us",
      }),
    );
    expect(exec.command).to.equal("aws");
    expect(exec.args).to.deep.equal([
      "eks",
      "get-token",
      "--cluster-id",
      LOCAL.clusterId,
      "--region",
      "us-east-1",
      "--role-arn",
      "arn:aws:iam::111122223333:role/outpost-fleet-deploy-us",
    ]);
  });

  it("uses the ambient credentials when the stack assumes no role: they created the cluster", () => {
    expect(execOf(renderKubeconfig({ ...LOCAL, clusterKind: "extended" })).args).to.deep.equal([
      "eks",
      "get-token",
      "--cluster-name",
      LOCAL.clusterName,
      "--region",
      "us-east-1",
    ]);
  });

  it("in the example stacks, names each stack's deploy role (aws:assumeRoles)", async () => {
    const { resources } = await recordStack("eu");
    const providers = ofType(resources, "pulumi:providers:kubernetes");
    expect(providers).to.have.length(4);
    for (const provider of providers) {
      // The kubeconfig reaches the provider as a secret.
      expect(provider.inputs.kubeconfig, provider.name).to.not.be.a("string");
      const kubeconfig = unwrapSecrets(provider.inputs.kubeconfig) as string;
      expect(execOf(kubeconfig).args.slice(-2), provider.name).to.deep.equal([
        "--role-arn",
        "arn:aws:iam::444455556666:role/outpost-fleet-deploy-eu",
      ]);
    }
  });

  it("refuses a role the CLI can't assume for the token: an external ID, or a chain", () => {
    const layer = readStackFile("us");
    const [role] = layer.awsAssumeRoles as Record<string, string>[];
    expect(
      problemsOf({ ...layer, awsAssumeRoles: [{ ...role, externalId: "fleet-7" }] }),
    ).to.deep.equal([
      {
        key: "aws:assumeRoles[0].externalId",
        value: "fleet-7",
        allowed:
          "must be unset while EKS is on: the clusters' kubeconfig mints its token with `aws eks get-token --role-arn`, which passes no external ID; require one in the role's trust policy for other callers, or map the callers' role in aws-auth",
      },
    ]);
    const chain = [{ roleArn: "arn:aws:iam::111122223333:role/hop" }, role];
    expect(problemsOf({ ...layer, awsAssumeRoles: chain })).to.deep.equal([
      {
        key: "aws:assumeRoles",
        value: chain,
        allowed:
          "must name one role while EKS is on: the clusters' kubeconfig assumes the role that created them with `aws eks get-token --role-arn`, in one hop from the caller's credentials",
      },
    ]);
    expect(problemsOf({ ...layer, awsAssumeRoles: [{ sessionName: "x" }] })).to.deep.include({
      key: "aws:assumeRoles[0].roleArn",
      value: undefined,
      allowed: "is required (string)",
    });
  });

  it("reads aws:assumeRoles at the entry point, and refuses it as a secret without showing it", () => {
    const role = { roleArn: "arn:aws:iam::111122223333:role/outpost-fleet-deploy-us" };
    try {
      pulumi.runtime.setAllConfig({ "aws:assumeRoles": JSON.stringify([role]) }, []);
      expect(readStackConfig().layer.awsAssumeRoles).to.deep.equal([role]);
      pulumi.runtime.setAllConfig({ "aws:assumeRoles": JSON.stringify([role]) }, [
        "aws:assumeRoles",
      ]);
      const { layer } = readStackConfig();
      expect(layer.awsAssumeRoles).to.equal("[secret]");
      const problems = problemsOf({ ...readStackFile("us"), awsAssumeRoles: layer.awsAssumeRoles });
      expect(problems).to.deep.equal([
        {
          key: "aws:assumeRoles",
          value: "[secret]",
          allowed:
            "is a secure value; the program reads it in plain config (the EKS clusters' kubeconfig names the role)",
        },
      ]);
    } finally {
      pulumi.runtime.setAllConfig({});
    }
  });

  it("lets a stack without EKS keep an external ID", () => {
    const layer = readStackFile("us");
    const [role] = layer.awsAssumeRoles as Record<string, string>[];
    expect(
      problemsOf({
        ...layer,
        awsAssumeRoles: [{ ...role, externalId: "fleet-7" }],
        overrides: { eks: { enabled: false } },
      }),
    ).to.deep.equal([]);
  });
});
