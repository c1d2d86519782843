import { ConfigProblem } from "../errors";
import { ParsedFleetConfig } from "../schema";

const KEY = "outpost-fleet:serviceDomain";

/**
 * An ALB's certificate names the service's domain, never the ALB's own DNS name, so the gates
 * can check the certificate only against the domain (ELB guide, "SSL certificates":
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/https-listener-certificates.html).
 * Every aws stack says it; the local target serves plain http and has none.
 */
export function serviceDomainOnAws(config: ParsedFleetConfig): ConfigProblem[] {
  if (config.target === "aws" && config.serviceDomain === undefined) {
    return [
      {
        key: KEY,
        value: undefined,
        allowed:
          "must be set on an aws stack: the DNS name clients use for the service, one the certificate (certificateArn) names; the gates probe each Outpost's ALB with it and check the certificate against it",
      },
    ];
  }
  if (config.target === "local" && config.serviceDomain !== undefined) {
    return [
      {
        key: KEY,
        value: config.serviceDomain,
        allowed:
          "is only for the aws target: the local target serves plain http on loopback, with no certificate to name; remove the key",
      },
    ];
  }
  return [];
}
