import type { Color } from "../../infra/contract";

/**
 * The names the simulated AWS gives an Outpost's resources (in the shapes AWS uses), and the way
 * back from a name to the Outpost: the simulated ELB and CloudWatch answer by them.
 */
export function targetGroupArn(
  region: string,
  account: string,
  stack: string,
  outpost: string,
  color: Color,
): string {
  return `arn:aws:elasticloadbalancing:${region}:${account}:${targetGroupDimension(stack, outpost, color)}`;
}

/** The `TargetGroup` dimension of ALB metrics: the ARN's last part. */
export function targetGroupDimension(stack: string, outpost: string, color: Color): string {
  return `targetgroup/${stack}--${outpost}-${color}/0`;
}

/** The `LoadBalancer` dimension. */
export function loadBalancerDimension(stack: string, outpost: string): string {
  return `app/${stack}--${outpost}/0`;
}

/** The alarms the program makes per Outpost (infra/aws/alarms.ts): 5xx, unhealthy, latency per color. */
export const ALARM_KINDS = ["5xx", "unhealthy", "latency"] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

export function alarmName(stack: string, outpost: string, color: Color, kind: AlarmKind): string {
  return `${stack}--${outpost}-${color}-${kind}`;
}

const TARGET_GROUP = /targetgroup\/(.+)--(.+)-(blue|green)\/0$/;
const ALARM = /^(.+)--(.+)-(blue|green)-(5xx|unhealthy|latency)$/;

export interface ColorRef {
  readonly stack: string;
  readonly outpost: string;
  readonly color: Color;
}

/** The Outpost and color of a target-group ARN or dimension; throws on a name it never gave. */
export function colorOfTargetGroup(name: string): ColorRef {
  const match = TARGET_GROUP.exec(name);
  if (match === null) throw new Error(`the simulated ELB has no target group ${name}`);
  return { stack: match[1], outpost: match[2], color: match[3] as Color };
}

export function alarmOf(name: string): ColorRef & { readonly kind: AlarmKind } {
  const match = ALARM.exec(name);
  if (match === null) throw new Error(`the simulated CloudWatch has no alarm ${name}`);
  return {
    stack: match[1],
    outpost: match[2],
    color: match[3] as Color,
    kind: match[4] as AlarmKind,
  };
}

/** The production endpoint, the test listener (preview) and the Rollout's Ingress. */
export function endpointsOf(stack: string, outpost: string) {
  const host = `${outpost}.${stack}.alb.test`;
  return {
    endpoint: `https://${host}`,
    previewEndpoint: `https://${host}:8443`,
    ingressEndpoint: `https://${outpost}.${stack}.ingress.test`,
  };
}

const HOST = /^https?:\/\/([^.]+)\.([^.]+)\.(alb|ingress)\.test(?::(\d+))?(\/.*)?$/;

/** Which Outpost and which of its doors a URL reaches, and the path. */
export function routeOf(url: string): {
  readonly stack: string;
  readonly outpost: string;
  readonly door: "production" | "preview" | "ingress" | "plain-http";
  readonly path: string;
} {
  const match = HOST.exec(url);
  if (match === null) throw new Error(`the simulated network has no host for ${url}`);
  const [, outpost, stack, kind, port, path] = match;
  const door =
    kind === "ingress"
      ? "ingress"
      : url.startsWith("http://")
        ? "plain-http"
        : port === "8443"
          ? "preview"
          : "production";
  return { stack, outpost, door, path: path ?? "/" };
}
