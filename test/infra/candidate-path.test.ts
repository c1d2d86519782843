/**
 * The AWS side of the release path (issue 9): a test listener that reaches only the candidate,
 * per-color traffic figures, the Rollout's own front door, and per-Outpost versions that come
 * only from that Outpost's deployment state.
 */
import { expect } from "chai";
import { readStackFile } from "../../infra/config";
import { OutpostOutputs } from "../../infra/contract";
import { ingressEndpointOf } from "../../infra/aws/ingress-annotations";
import { recordStack, RecordedResource } from "../support/record-stack";
import { changedResources, ofType, withState } from "./helpers";

type Action = { type: string; targetGroupArn?: string };

function find(
  resources: readonly RecordedResource[],
  type: string,
  name: string,
): RecordedResource {
  const found = ofType(resources, type).find((r) => r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
}

const LISTENER = "aws:lb/listener:Listener";

describe("the candidate's own path on AWS", () => {
  describe("the test listener", () => {
    it("serves HTTPS on its own port with the main listener's certificate and TLS policy", async () => {
      const { resources } = await recordStack("us");
      const main = find(resources, LISTENER, "nyc-dc1-https");
      const test = find(resources, LISTENER, "nyc-dc1-test");
      expect(test.inputs).to.include({
        port: 8443,
        protocol: "HTTPS",
        certificateArn: main.inputs.certificateArn,
        sslPolicy: main.inputs.sslPolicy,
        loadBalancerArn: main.inputs.loadBalancerArn,
      });
      expect(test.inputs.sslPolicy).to.equal("ELBSecurityPolicy-TLS13-1-2-2021-06");
    });

    it("forwards only to the candidate color's target group, whatever the weights", async () => {
      const target = async (change: Parameters<typeof withState>[2]) => {
        const { resources } = await recordStack(withState("us", "iad-dc2", change));
        const [action] = find(resources, LISTENER, "iad-dc2-test").inputs
          .defaultActions as Action[];
        expect(action.type).to.equal("forward");
        return action.targetGroupArn;
      };
      expect(await target({})).to.match(/targetgroup\/iad-dc2-green-tg\//);
      expect(await target({ candidateWeight: 50 })).to.match(/targetgroup\/iad-dc2-green-tg\//);
      expect(await target({ activeColor: "green" })).to.match(/targetgroup\/iad-dc2-blue-tg\//);
    });

    it("is open to the same clients as the main listener, on its own port", async () => {
      const { resources } = await recordStack("us");
      const rules = ofType(resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
      const test = find(
        resources,
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "nyc-dc1-alb-in-test",
      );
      const https = rules.find((r) => r.name === "nyc-dc1-alb-in-443")!;
      expect(test.inputs).to.include({ fromPort: 8443, toPort: 8443, ipProtocol: "tcp" });
      expect(test.inputs.cidrIpv4).to.equal(https.inputs.cidrIpv4);
      expect(test.inputs.securityGroupId).to.equal(https.inputs.securityGroupId);
    });

    it("takes its port from the loadBalancer layer", async () => {
      const { resources, outputs } = await recordStack({
        ...readStackFile("us"),
        overrides: { loadBalancer: { testListenerPort: 9443 } },
      });
      expect(find(resources, LISTENER, "ord-dc1-test").inputs.port).to.equal(9443);
      const site = (outputs.outposts as Record<string, OutpostOutputs>)["ord-dc1"];
      expect(site.previewEndpoint).to.equal(`${site.endpoint}:9443`);
    });
  });

  describe("the outputs", () => {
    it("give the preview endpoint and where the gates read the app's own high-resolution figures", async () => {
      const { resources, outputs } = await recordStack("eu");
      const site = (outputs.outposts as Record<string, OutpostOutputs>)["fra-dc1"];
      expect(site.previewEndpoint).to.match(
        /^https:\/\/fra-dc1-alb-[0-9a-f]{8}\.eu-west-1\.elb\.amazonaws\.com:8443$/,
      );
      expect(site.trafficStats).to.deep.equal({
        kind: "app-metrics",
        namespace: "OutpostFleet/storefront",
        outpost: "fra-dc1",
        periodSeconds: 10,
      });
      expect(ofType(resources, "aws:lb/targetGroup:TargetGroup")).to.have.length(8);
    });

    it("give the Rollout, its Services and its Ingress ALB's address from the Ingress status", async () => {
      const { outputs } = await recordStack("apac");
      const [name, site] = Object.entries(outputs.outposts as Record<string, OutpostOutputs>)[0];
      expect(site.rollout).to.deep.include({
        name: "storefront",
        namespace: "storefront",
        version: "2.0.0",
        stableService: "storefront-stable",
        canaryService: "storefront-canary",
      });
      expect(site.rollout?.ingressEndpoint).to.match(
        new RegExp(
          `^https://k8s-${name}-ingress-[0-9a-f]{10}\\.ap-southeast-1\\.elb\\.amazonaws\\.com$`,
        ),
      );
    });

    it("the Ingress ALB's address is null until the controller has made the ALB", () => {
      expect(ingressEndpointOf(undefined)).to.equal(null);
      expect(ingressEndpointOf({ loadBalancer: {} })).to.equal(null);
      expect(ingressEndpointOf({ loadBalancer: { ingress: [] } })).to.equal(null);
      expect(
        ingressEndpointOf({ loadBalancer: { ingress: [{ hostname: "k8s-a.elb.amazonaws.com" }] } }),
      ).to.equal("https://k8s-a.elb.amazonaws.com");
    });
  });

  describe("versions", () => {
    const image = (resources: readonly RecordedResource[], outpost: string) => {
      const rollout = find(
        resources,
        "kubernetes:argoproj.io/v1alpha1:Rollout",
        `${outpost}-rollout`,
      );
      const spec = rollout.inputs.spec as {
        template: {
          spec: { containers: { image: string; env: { name: string; value: string }[] }[] };
        };
        strategy: { canary: { analysis?: { args: { value: string }[] } } };
      };
      const [container] = spec.template.spec.containers;
      return {
        image: container.image,
        env: container.env.find((e) => e.name === "APP_VERSION")?.value,
        track: container.env.find((e) => e.name === "APP_METRICS_TRACK")?.value,
        analysis: spec.strategy.canary.analysis?.args[0].value,
      };
    };

    it("the Rollout's image and analysis follow the Outpost's rolloutVersion", async () => {
      const { resources, outputs } = await recordStack(
        withState("us", "ord-dc1", { greenVersion: "2.1.0", rolloutVersion: "2.1.0" }),
      );
      expect(image(resources, "ord-dc1")).to.deep.equal({
        image: "111122223333.dkr.ecr.us-east-1.amazonaws.com/storefront:2.1.0",
        env: "2.1.0",
        // The canary's pods publish their figures as the release's track (app-metrics.ts).
        track: "eks:2.1.0",
        analysis: "2.1.0",
      });
      expect(image(resources, "nyc-dc1").image).to.match(/:2\.0\.0$/);
      expect(
        (outputs.outposts as Record<string, OutpostOutputs>)["ord-dc1"].rollout?.version,
      ).to.equal("2.1.0");
    });

    it("a new stack-wide release changes no per-Outpost resource, only the stack-wide parameters", async () => {
      const before = await recordStack("us");
      const after = await recordStack({ ...readStackFile("us"), release: { version: "2.1.0" } });
      expect(image(after.resources, "nyc-dc1").image).to.match(/:2\.0\.0$/);
      expect(changedResources(before.resources, after.resources)).to.deep.equal([
        "aws:ssm/parameter:Parameter::us-config-fingerprint",
        "aws:ssm/parameter:Parameter::us-config-release-version",
      ]);
      const version = find(
        after.resources,
        "aws:ssm/parameter:Parameter",
        "us-config-release-version",
      );
      // The provider marks a parameter's value secret, so the mock records it wrapped.
      expect(JSON.stringify(version.inputs.value)).to.include('"2.1.0"');
    });
  });
});
