import { asString, at, isUnknown, PlainRecord } from "./plain";

/** Prefix of the AWS Load Balancer Controller's Ingress annotations. */
export const INGRESS_ANNOTATION = "alb.ingress.kubernetes.io/";

/** An Ingress the AWS Load Balancer Controller turns into an ALB. */
export function isAlbIngress(props: PlainRecord): boolean {
  const className = at(props, "spec", "ingressClassName");
  const legacy = at(props, "metadata", "annotations", "kubernetes.io/ingress.class");
  return className === "alb" || legacy === "alb";
}

/**
 * The ALB attributes of an Ingress (`load-balancer-attributes`: comma-separated key=value);
 * UNKNOWN-safe: undefined when the annotation can't be read yet.
 */
export function ingressAttributes(props: PlainRecord): Record<string, string> | undefined {
  const value = at(
    props,
    "metadata",
    "annotations",
    `${INGRESS_ANNOTATION}load-balancer-attributes`,
  );
  if (isUnknown(value)) return undefined;
  const text = asString(value) ?? "";
  return Object.fromEntries(
    text
      .split(",")
      .map((pair) => pair.trim())
      .filter((pair) => pair.includes("="))
      .map((pair) => [
        pair.slice(0, pair.indexOf("=")).trim(),
        pair.slice(pair.indexOf("=") + 1).trim(),
      ]),
  );
}
