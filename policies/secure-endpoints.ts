import { ResourceValidationPolicy } from "@pulumi/policy";
import { configStrings } from "./lib/config-values";
import { validateTypes } from "./lib/policy";
import { asArray, asBoolean, asString, at, isRecord, isUnknown, PlainRecord } from "./lib/plain";
import { INGRESS_ANNOTATION, isAlbIngress } from "./lib/ingress";
import { TYPES } from "./lib/types";
import { POLICY } from "./names";

/** A local cluster on an Outpost is reachable from the Outpost's network only. */
export const eksPrivateEndpoint: ResourceValidationPolicy = {
  name: POLICY.eksPrivateEndpoint,
  description: "EKS clusters expose their API on a private endpoint only, never a public one.",
  enforcementLevel: "mandatory",
  validateResource: validateTypes([TYPES.eksCluster], (resource, _args, report) => {
    const vpc = resource.props.vpcConfig;
    if (isUnknown(vpc)) return;
    const kind = isRecord(resource.props.outpostConfig) ? "local cluster" : "cluster";
    const isPublic = at(vpc, "endpointPublicAccess");
    // AWS turns the public endpoint on when the flag is left out, so absent is public.
    if (!isUnknown(isPublic) && asBoolean(isPublic) !== false) {
      report(
        `this ${kind} has a public API endpoint (vpcConfig.endpointPublicAccess is ` +
          `${JSON.stringify(isPublic ?? null)}; AWS defaults it to true); set it to false.`,
      );
    }
    const isPrivate = at(vpc, "endpointPrivateAccess");
    if (!isUnknown(isPrivate) && asBoolean(isPrivate) !== true) {
      report(
        `vpcConfig.endpointPrivateAccess is ${JSON.stringify(isPrivate ?? null)}; set it to true.`,
      );
    }
  }),
};

/** Clients reach the app over TLS only; port 80 exists just to redirect to 443. */
export const albHttpsListeners: ResourceValidationPolicy = {
  name: POLICY.albHttpsListeners,
  description:
    "Load balancer listeners serve HTTPS with a certificate, and HTTP listeners only redirect to HTTPS.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedSslPolicies: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "ELB security policies HTTPS listeners may use; empty allows any.",
      },
    },
  },
  validateResource: validateTypes([TYPES.listener, TYPES.ingress], (resource, args, report) => {
    const allowed = configStrings(args.getConfig(), "allowedSslPolicies");
    if (resource.type === TYPES.ingress)
      return checkIngressListeners(resource.props, allowed, report);
    const { props } = resource;
    const protocol = props.protocol;
    if (protocol === "HTTPS") {
      if (!isUnknown(props.certificateArn) && asString(props.certificateArn) === undefined) {
        report("is an HTTPS listener without a certificateArn.");
      }
      checkSslPolicy(props.sslPolicy, allowed, "sslPolicy", report);
    } else if (protocol === "HTTP") {
      asArray(props.defaultActions).forEach((action, i) => {
        if (isUnknown(action)) return;
        const redirectsToHttps =
          at(action, "type") === "redirect" && at(action, "redirect", "protocol") === "HTTPS";
        if (!redirectsToHttps) {
          report(
            `is a plain HTTP listener whose defaultActions[${i}] is ${JSON.stringify(at(action, "type") ?? null)}; ` +
              'HTTP listeners may only redirect to HTTPS (type "redirect", redirect.protocol "HTTPS").',
          );
        }
      });
    }
  }),
};

function checkSslPolicy(
  value: unknown,
  allowed: readonly string[],
  where: string,
  report: (message: string) => void,
): void {
  if (isUnknown(value)) return;
  const policy = asString(value);
  if (allowed.length > 0 && (policy === undefined || !allowed.includes(policy))) {
    report(`${where} is ${JSON.stringify(policy ?? null)}; allowed: ${allowed.join(", ")}.`);
  }
}

/** An ALB Ingress listens on HTTP:80 alone unless its annotations say otherwise. */
function checkIngressListeners(
  props: PlainRecord,
  allowed: readonly string[],
  report: (m: string) => void,
): void {
  const annotations = at(props, "metadata", "annotations");
  if (!isAlbIngress(props) || isUnknown(annotations)) return;
  const annotation = (key: string) => asString(at(annotations, INGRESS_ANNOTATION + key));
  const ports = parseListenPorts(annotation("listen-ports"));
  const protocols = new Set(ports.map((entry) => Object.keys(entry)[0]));
  if (protocols.has("HTTP") && annotation("ssl-redirect") === undefined) {
    report(
      "is an ALB Ingress that listens on plain HTTP without redirecting; " +
        `list only HTTPS in ${INGRESS_ANNOTATION}listen-ports or set ${INGRESS_ANNOTATION}ssl-redirect.`,
    );
  }
  if (protocols.has("HTTPS")) {
    if (annotation("certificate-arn") === undefined) {
      report(
        `is an ALB Ingress with an HTTPS listener but no ${INGRESS_ANNOTATION}certificate-arn.`,
      );
    }
    checkSslPolicy(annotation("ssl-policy"), allowed, `${INGRESS_ANNOTATION}ssl-policy`, report);
  }
}

function parseListenPorts(value: string | undefined): Record<string, unknown>[] {
  if (value === undefined) return [{ HTTP: 80 }]; // the controller's default
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter(isRecord) : [];
  } catch {
    return [];
  }
}

/** An ALB drops requests with malformed headers instead of passing them to the app. */
export const albDropInvalidHeaders: ResourceValidationPolicy = {
  name: POLICY.albDropInvalidHeaders,
  description: "Application load balancers drop HTTP headers that are not valid.",
  enforcementLevel: "mandatory",
  validateResource: validateTypes(
    [TYPES.loadBalancer, TYPES.ingress],
    (resource, _args, report) => {
      const { props } = resource;
      if (resource.type === TYPES.ingress) {
        const attributes = at(
          props,
          "metadata",
          "annotations",
          `${INGRESS_ANNOTATION}load-balancer-attributes`,
        );
        if (!isAlbIngress(props) || isUnknown(attributes)) return;
        if (
          !/routing\.http\.drop_invalid_header_fields\.enabled=true/.test(
            asString(attributes) ?? "",
          )
        ) {
          report(
            `is an ALB Ingress without routing.http.drop_invalid_header_fields.enabled=true in ${INGRESS_ANNOTATION}load-balancer-attributes.`,
          );
        }
        return;
      }
      const type = props.loadBalancerType ?? "application"; // the provider's default
      if (type !== "application" || isUnknown(props.dropInvalidHeaderFields)) return;
      if (asBoolean(props.dropInvalidHeaderFields) !== true) {
        report(
          `dropInvalidHeaderFields is ${JSON.stringify(props.dropInvalidHeaderFields ?? null)}; ` +
            "set it to true so that malformed headers never reach the app.",
        );
      }
    },
  ),
};
