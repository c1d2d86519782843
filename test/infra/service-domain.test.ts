/**
 * `outpost-fleet:serviceDomain`: the name clients use for the service, which the stack's
 * certificate (`certificateArn`) names. The gates probe each Outpost's ALB with it (SNI and
 * Host) and check the certificate against it, so it travels in the outputs as the endpoints do.
 */
import { expect } from "chai";
import { ConfigValidationError, loadFleetConfig, readStackFile } from "../../infra/config";
import { recordStack } from "../support/record-stack";

const refusal = (layer: Record<string, unknown>): string => {
  try {
    loadFleetConfig(layer);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigValidationError);
    return (error as Error).message;
  }
  throw new Error("the config was accepted");
};

describe("config: the service domain (serviceDomain)", () => {
  it("is set on every AWS stack of the example fleet, one name per stack beside its certificate", () => {
    const domains = ["us", "eu", "apac", "staging-us", "staging-eu", "staging-apac"].map(
      (stack) => loadFleetConfig(readStackFile(stack)).serviceDomain,
    );
    expect(domains).to.deep.equal([
      "shop.us.example.com",
      "shop.eu.example.com",
      "shop.apac.example.com",
      "staging.shop.us.example.com",
      "staging.shop.eu.example.com",
      "staging.shop.apac.example.com",
    ]);
  });

  it("is required on AWS, naming the key and why", () => {
    const layer = Object.fromEntries(
      Object.entries(readStackFile("us")).filter(([key]) => key !== "serviceDomain"),
    );
    expect(refusal(layer)).to.include(
      "outpost-fleet:serviceDomain = (missing): must be set on an aws stack: the DNS name clients use for the service, one the certificate (certificateArn) names; the gates probe each Outpost's ALB with it and check the certificate against it",
    );
  });

  it("must be a DNS name", () => {
    for (const bad of [
      "*.example.com",
      "Shop.Example.com",
      "shop",
      "-shop.example.com",
      "shop..com",
    ]) {
      expect(refusal({ ...readStackFile("us"), serviceDomain: bad }), bad).to.include(
        `outpost-fleet:serviceDomain = ${JSON.stringify(bad)}: must be a DNS name in lower case (no wildcard), for example shop.example.com`,
      );
    }
  });

  it("is refused on the local target, which serves plain http with no certificate", () => {
    expect(refusal({ ...readStackFile("local-us"), serviceDomain: "shop.example.com" })).to.include(
      'outpost-fleet:serviceDomain = "shop.example.com": is only for the aws target: the local target serves plain http on loopback, with no certificate to name; remove the key',
    );
    expect(loadFleetConfig(readStackFile("local-us")).serviceDomain).to.equal(undefined);
  });

  it("is each Outpost's serviceDomain output, on AWS", async () => {
    const { outputs } = await recordStack("eu");
    const outposts = Object.values(outputs.outposts as Record<string, { serviceDomain: unknown }>);
    expect(outposts).to.have.length(4);
    for (const site of outposts) expect(site.serviceDomain).to.equal("shop.eu.example.com");
  });
});
