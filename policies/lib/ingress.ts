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
 * An annotation of comma-separated key=value pairs (the controller's `load-balancer-attributes`
 * and `tags`); UNKNOWN-safe: undefined when the annotation can't be read yet.
 */
function annotationPairs(props: PlainRecord, name: string): Record<string, string> | undefined {
  const value = at(props, "metadata", "annotations", `${INGRESS_ANNOTATION}${name}`);
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

/** The ALB attributes of an Ingress (`load-balancer-attributes`). */
export function ingressAttributes(props: PlainRecord): Record<string, string> | undefined {
  return annotationPairs(props, "load-balancer-attributes");
}

/** The tags the controller puts on an Ingress's ALB (`tags`). */
export function ingressTags(props: PlainRecord): Record<string, string> | undefined {
  return annotationPairs(props, "tags");
}
