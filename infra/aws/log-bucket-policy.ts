import { tlsOnlyStatement } from "./bucket-documents";
import type { PolicyDocument } from "./iam-types";

/**
 * The Elastic Load Balancing account of each Region that opened before August 2022: ALB access
 * logs there are written by that account (ELB User Guide, "Enable access logs for your
 * Application Load Balancer", step 2). Regions opened later, and any Region not listed, use
 * the log-delivery service principal instead.
 */
export const ELB_LOG_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-south-1": "718504428378",
  "ap-northeast-1": "582318560864",
  "ap-northeast-2": "600734575887",
  "ap-northeast-3": "383597477331",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "eu-south-1": "635631232127",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
};

export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

/** Who writes a Region's ALB access logs: its ELB account, or the log-delivery service. */
export function elbLogWriter(region: string): Record<string, string> {
  const account = ELB_LOG_ACCOUNTS[region];
  return account ? { AWS: `arn:aws:iam::${account}:root` } : { Service: ELB_LOG_DELIVERY_SERVICE };
}

/**
 * Pure: the log bucket's policy. Each ALB logs under `<prefix>/<its own prefix>/`; ELB may put
 * objects only under `<prefix>/<any>/AWSLogs/<account>/`. Every request that is not over TLS is
 * denied, whoever makes it.
 */
export function logBucketPolicy(input: {
  bucketArn: string;
  prefix: string;
  accountId: string;
  region: string;
}): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ElbAccessLogDelivery",
        Effect: "Allow",
        Principal: elbLogWriter(input.region),
        Action: "s3:PutObject",
        Resource: `${input.bucketArn}/${input.prefix}/*/AWSLogs/${input.accountId}/*`,
      },
      tlsOnlyStatement(input.bucketArn),
    ],
  };
}
