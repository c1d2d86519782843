/** Prefix of the AWS Load Balancer Controller's Ingress annotations. */
const P = "alb.ingress.kubernetes.io/";

/** What the Ingress ALB needs to be told through the controller's annotations. */
export interface IngressAnnotationInput {
  readonly subnetId: string;
  readonly scheme: "internal" | "internet-facing";
  /** The Outpost's CoIP pool, for an internet-facing ALB. */
  readonly customerOwnedIpv4Pool?: string;
  readonly certificateArn: string;
  readonly sslPolicy: string;
  readonly healthPath: string;
  readonly deregistrationDelaySeconds: number;
  readonly deletionProtection: boolean;
  /** Bucket name and prefix of the Region's access logs; undefined: logs off. */
  readonly accessLogs?: { readonly bucket: string; readonly prefix: string };
  /**
   * The site's tags, which the controller puts on the ALB it makes (and which say whose Outpost
   * that ALB runs on). Default: none.
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Pure: the ALB's attributes as the controller's `load-balancer-attributes` annotation takes
 * them (AWS Load Balancer Controller, Ingress annotations: key=value pairs, comma-separated).
 */
export function ingressLoadBalancerAttributes(input: IngressAnnotationInput): string {
  const attributes: Record<string, string> = {
    "routing.http.drop_invalid_header_fields.enabled": "true",
    "deletion_protection.enabled": String(input.deletionProtection),
    "access_logs.s3.enabled": String(input.accessLogs !== undefined),
  };
  if (input.accessLogs) {
    attributes["access_logs.s3.bucket"] = input.accessLogs.bucket;
    attributes["access_logs.s3.prefix"] = input.accessLogs.prefix;
  }
  return Object.entries(attributes)
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
}

/** Pure: every annotation of the app's ALB Ingress. */
export function ingressAnnotations(input: IngressAnnotationInput): Record<string, string> {
  const annotations: Record<string, string> = {
    [`${P}scheme`]: input.scheme,
    [`${P}subnets`]: input.subnetId,
    [`${P}target-type`]: "ip",
    [`${P}listen-ports`]: JSON.stringify([{ HTTPS: 443 }]),
    [`${P}certificate-arn`]: input.certificateArn,
    [`${P}ssl-policy`]: input.sslPolicy,
    [`${P}healthcheck-path`]: input.healthPath,
    [`${P}load-balancer-attributes`]: ingressLoadBalancerAttributes(input),
    [`${P}target-group-attributes`]: `deregistration_delay.timeout_seconds=${input.deregistrationDelaySeconds}`,
  };
  const tags = Object.entries(input.tags ?? {});
  if (tags.length > 0) {
    annotations[`${P}tags`] = tags.map(([key, value]) => `${key}=${value}`).join(",");
  }
  if (input.scheme === "internet-facing" && input.customerOwnedIpv4Pool) {
    annotations[`${P}customer-owned-ipv4-pool`] = input.customerOwnedIpv4Pool;
  }
  return annotations;
}

/** The Ingress ALB's URL from the Ingress status; null until the controller has made it. */
export function ingressEndpointOf(status: unknown): string | null {
  const hostname = (status as { loadBalancer?: { ingress?: { hostname?: string }[] } } | undefined)
    ?.loadBalancer?.ingress?.[0]?.hostname;
  return hostname ? `https://${hostname}` : null;
}
