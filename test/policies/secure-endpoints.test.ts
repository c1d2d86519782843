import { expect } from "chai";
import {
  albDropInvalidHeaders,
  albHttpsListeners,
  eksPrivateEndpoint,
} from "../../policies/secure-endpoints";
import { failures } from "./support/check";
import {
  eksCluster,
  httpListener,
  httpsListener,
  loadBalancer,
  res,
  withProp,
} from "./support/policy-fixtures";

describe("policies: secure endpoints", () => {
  describe("eks-private-endpoint", () => {
    const cluster = eksCluster();

    it("passes a local cluster with a private endpoint only", async () => {
      expect(await failures([eksPrivateEndpoint], [cluster])).to.deep.equal([]);
    });

    it("fails a public endpoint", async () => {
      const [v, ...rest] = await failures(
        [eksPrivateEndpoint],
        [withProp(cluster, "vpcConfig.endpointPublicAccess", true)],
      );
      expect(rest).to.deep.equal([]);
      expect(v.message).to.equal(
        "this local cluster has a public API endpoint (vpcConfig.endpointPublicAccess is true; AWS defaults it to true); set it to false.",
      );
      expect(v.urn).to.equal(cluster.urn);
    });

    it("fails a public endpoint left to AWS's default", async () => {
      const [v] = await failures(
        [eksPrivateEndpoint],
        [withProp(cluster, "vpcConfig.endpointPublicAccess", undefined)],
      );
      expect(v.message).to.contain("endpointPublicAccess is null");
    });

    it("fails a cluster without its private endpoint", async () => {
      const [v] = await failures(
        [eksPrivateEndpoint],
        [withProp(cluster, "vpcConfig.endpointPrivateAccess", false)],
      );
      expect(v.message).to.equal("vpcConfig.endpointPrivateAccess is false; set it to true.");
    });
  });

  describe("alb-https-listeners", () => {
    it("passes an HTTPS listener and an HTTP listener that redirects", async () => {
      expect(await failures([albHttpsListeners], [httpsListener(), httpListener()])).to.deep.equal(
        [],
      );
    });

    it("fails an HTTP listener that forwards", async () => {
      const http = httpListener();
      const broken = withProp(http, "defaultActions", [
        { type: "forward", targetGroupArn: "arn:tg" },
      ]);
      const [v] = await failures([albHttpsListeners], [broken]);
      expect(v.message).to.contain('is a plain HTTP listener whose defaultActions[0] is "forward"');
      expect(v.urn).to.equal(http.urn);
    });

    it("fails a redirect that stays on HTTP", async () => {
      const broken = withProp(httpListener(), "defaultActions.0.redirect.protocol", "HTTP");
      expect(await failures([albHttpsListeners], [broken])).to.have.length(1);
    });

    it("fails an HTTPS listener without a certificate", async () => {
      const [v] = await failures(
        [albHttpsListeners],
        [withProp(httpsListener(), "certificateArn", undefined)],
      );
      expect(v.message).to.equal("is an HTTPS listener without a certificateArn.");
    });

    it("fails an SSL policy outside the allowed list", async () => {
      const config = {
        "alb-https-listeners": { allowedSslPolicies: ["ELBSecurityPolicy-TLS13-1-3-2021-06"] },
      };
      const [v] = await failures([albHttpsListeners], [httpsListener()], config);
      expect(v.message).to.equal(
        'sslPolicy is "ELBSecurityPolicy-TLS13-1-2-2021-06"; allowed: ELBSecurityPolicy-TLS13-1-3-2021-06.',
      );
    });

    const ingress = (annotations: Record<string, string>) =>
      res("kubernetes:networking.k8s.io/v1:Ingress", "nyc-dc1-ingress", {
        metadata: { name: "storefront", annotations },
        spec: { ingressClassName: "alb" },
      });
    const httpsIngress = {
      "alb.ingress.kubernetes.io/listen-ports": '[{"HTTPS":443}]',
      "alb.ingress.kubernetes.io/certificate-arn":
        "arn:aws:acm:us-east-1:111122223333:certificate/x",
      "alb.ingress.kubernetes.io/load-balancer-attributes":
        "routing.http.drop_invalid_header_fields.enabled=true",
    };

    it("passes an ALB Ingress that listens on HTTPS only", async () => {
      expect(await failures([albHttpsListeners], [ingress(httpsIngress)])).to.deep.equal([]);
    });

    it("fails an ALB Ingress left on the controller's default HTTP:80", async () => {
      const [v] = await failures([albHttpsListeners], [ingress({})]);
      expect(v.message).to.contain("listens on plain HTTP without redirecting");
    });
  });

  describe("alb-drop-invalid-headers", () => {
    it("passes an ALB that drops invalid headers", async () => {
      expect(await failures([albDropInvalidHeaders], [loadBalancer()])).to.deep.equal([]);
    });

    it("fails an ALB that passes them on", async () => {
      const alb = loadBalancer();
      const [v] = await failures(
        [albDropInvalidHeaders],
        [withProp(alb, "dropInvalidHeaderFields", false)],
      );
      expect(v.message).to.equal(
        "dropInvalidHeaderFields is false; set it to true so that malformed headers never reach the app.",
      );
      expect(v.urn).to.equal(alb.urn);
    });

    it("fails an ALB that leaves the setting to its default", async () => {
      expect(
        await failures(
          [albDropInvalidHeaders],
          [withProp(loadBalancer(), "dropInvalidHeaderFields", undefined)],
        ),
      ).to.have.length(1);
    });

    it("leaves network load balancers alone", async () => {
      const nlb = withProp(
        withProp(loadBalancer(), "loadBalancerType", "network"),
        "dropInvalidHeaderFields",
        undefined,
      );
      expect(await failures([albDropInvalidHeaders], [nlb])).to.deep.equal([]);
    });

    it("fails an ALB Ingress without the attribute", async () => {
      const ingress = res("kubernetes:networking.k8s.io/v1:Ingress", "i", {
        metadata: { annotations: { "alb.ingress.kubernetes.io/listen-ports": '[{"HTTPS":443}]' } },
        spec: { ingressClassName: "alb" },
      });
      const [v] = await failures([albDropInvalidHeaders], [ingress]);
      expect(v.message).to.contain("routing.http.drop_invalid_header_fields.enabled=true");
    });
  });
});
