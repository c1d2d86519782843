import { expect } from "chai";
import { albAccessLogs, albDeletionProtection } from "../../policies/alb-logging";
import { failures } from "./support/check";
import { LOG_BUCKET, loadBalancer, res, withProp } from "./support/policy-fixtures";

const ingress = (attributes: string) =>
  res("kubernetes:networking.k8s.io/v1:Ingress", "nyc-dc1-ingress", {
    metadata: {
      name: "storefront",
      annotations: { "alb.ingress.kubernetes.io/load-balancer-attributes": attributes },
    },
    spec: { ingressClassName: "alb" },
  });
const LOGGED = `routing.http.drop_invalid_header_fields.enabled=true,deletion_protection.enabled=true,access_logs.s3.enabled=true,access_logs.s3.bucket=${LOG_BUCKET},access_logs.s3.prefix=alb/nyc-dc1/eks`;

describe("policies: ALB logging and protection", () => {
  describe("alb-access-logs", () => {
    it("passes an ALB and an ALB Ingress that log to S3", async () => {
      expect(await failures([albAccessLogs], [loadBalancer(), ingress(LOGGED)])).to.deep.equal([]);
    });

    it("fails an ALB with access logs off", async () => {
      const alb = loadBalancer();
      const [v, ...rest] = await failures(
        [albAccessLogs],
        [withProp(alb, "accessLogs.enabled", false)],
      );
      expect(rest).to.deep.equal([]);
      expect(v.message).to.equal(
        "accessLogs.enabled is false; turn access logs on (accessLogs: {enabled: true, bucket}).",
      );
      expect(v.urn).to.equal(alb.urn);
    });

    it("fails an ALB that leaves access logs to the provider's default (off)", async () => {
      const [v] = await failures(
        [albAccessLogs],
        [withProp(loadBalancer(), "accessLogs", undefined)],
      );
      expect(v.message).to.contain("accessLogs.enabled is null");
    });

    it("fails a bucket outside the allowed list", async () => {
      const config = { "alb-access-logs": { allowedBuckets: ["central-logs"] } };
      const [v] = await failures([albAccessLogs], [loadBalancer()], config);
      expect(v.message).to.equal(`accessLogs.bucket is ${LOG_BUCKET}; allowed: central-logs.`);
    });

    it("fails an ALB Ingress without access logs", async () => {
      const [v] = await failures(
        [albAccessLogs],
        [ingress("routing.http.drop_invalid_header_fields.enabled=true")],
      );
      expect(v.message).to.equal(
        "is an ALB Ingress without access_logs.s3.enabled=true in alb.ingress.kubernetes.io/load-balancer-attributes.",
      );
    });

    it("fails an ALB Ingress that logs to no bucket", async () => {
      const [v] = await failures([albAccessLogs], [ingress("access_logs.s3.enabled=true")]);
      expect(v.message).to.equal(
        "access_logs.s3.bucket in alb.ingress.kubernetes.io/load-balancer-attributes names no bucket.",
      );
    });

    it("leaves network load balancers alone", async () => {
      const nlb = withProp(
        withProp(loadBalancer(), "loadBalancerType", "network"),
        "accessLogs",
        undefined,
      );
      expect(await failures([albAccessLogs], [nlb])).to.deep.equal([]);
    });
  });

  describe("alb-deletion-protection", () => {
    it("passes protected ALBs and ALB Ingresses", async () => {
      expect(
        await failures([albDeletionProtection], [loadBalancer(), ingress(LOGGED)]),
      ).to.deep.equal([]);
    });

    it("fails an unprotected ALB where protection is required", async () => {
      const [v] = await failures(
        [albDeletionProtection],
        [withProp(loadBalancer(), "enableDeletionProtection", false)],
      );
      expect(v.message).to.equal("enableDeletionProtection is false; set it to true.");
    });

    it("fails an unprotected ALB Ingress", async () => {
      const [v] = await failures([albDeletionProtection], [ingress("access_logs.s3.enabled=true")]);
      expect(v.message).to.contain("without deletion_protection.enabled=true");
    });

    it("lets a stack that doesn't require it (staging) go unprotected", async () => {
      const config = { "alb-deletion-protection": { required: false } };
      const alb = withProp(loadBalancer(), "enableDeletionProtection", false);
      expect(await failures([albDeletionProtection], [alb], config)).to.deep.equal([]);
    });
  });
});
