/**
 * The app's own high-resolution request metrics on AWS: what the instances and pods are told to
 * publish, and the permission to publish it, scoped to the app's namespace.
 */
import { expect } from "chai";
import type { PolicyDocument } from "../../infra/aws/iam-types";
import { recordStack, type RecordedResource } from "../support/record-stack";
import { ofType } from "./helpers";

const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

function named(resources: readonly RecordedResource[], type: string, name: string) {
  const found = ofType(resources, type).find((r) => r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
}

function userDataOf(resource: RecordedResource): string {
  return Buffer.from(resource.inputs.userData as string, "base64").toString("utf8");
}

describe("the app's own metrics on AWS", () => {
  it("each color's instances publish as their color, every 10 s, in the app's namespace", async () => {
    const { resources } = await recordStack("us");
    for (const color of ["blue", "green"]) {
      const script = userDataOf(
        named(resources, "aws:ec2/launchTemplate:LaunchTemplate", `ord-dc1-${color}-lt`),
      );
      expect(script).to.include("APP_METRICS_NAMESPACE=OutpostFleet/storefront\n");
      expect(script).to.include(`APP_METRICS_TRACK=${color}\n`);
      expect(script).to.include("APP_METRICS_PERIOD_SECONDS=10\n");
    }
  });

  it("the Rollout's pods publish as their version's track, with the Region for the SDK", async () => {
    const { resources } = await recordStack("us");
    const rollout = named(resources, "kubernetes:argoproj.io/v1alpha1:Rollout", "nyc-dc1-rollout");
    const spec = rollout.inputs.spec as {
      template: { spec: { containers: { env: { name: string; value?: string }[] }[] } };
    };
    const env = Object.fromEntries(
      spec.template.spec.containers[0].env.map((e) => [e.name, e.value]),
    );
    expect(env).to.include({
      AWS_REGION: "us-east-1",
      APP_METRICS_NAMESPACE: "OutpostFleet/storefront",
      APP_METRICS_TRACK: `eks:${env.APP_VERSION}`,
      APP_METRICS_PERIOD_SECONDS: "10",
    });
  });

  it("the app and node roles may put metrics in that namespace only", async () => {
    const { resources } = await recordStack("us");
    for (const name of ["us-roles-app-metrics", "us-roles-node-metrics"]) {
      const policy = named(resources, ROLE_POLICY, name);
      expect(JSON.parse(policy.inputs.policy as string) as PolicyDocument).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "PublishAppMetrics",
            Effect: "Allow",
            Action: ["cloudwatch:PutMetricData"],
            Resource: "*",
            Condition: { StringEquals: { "cloudwatch:namespace": "OutpostFleet/storefront" } },
          },
        ],
      });
    }
  });
});
