import { tlsOnlyStatement } from "./bucket-documents";
import type { PolicyDocument } from "./iam-types";

/**
 * Who writes the access logs of a load balancer on an Outpost: ELB's log-delivery service for
 * Outposts zones, not the Region's ELB account (which writes for ALBs in the Region's own
 * zones) nor the newer Regions' logdelivery.elasticloadbalancing principal. Every ALB this
 * program makes sits on an Outpost subnet (the EC2 one and the Ingress one), so this is the only
 * writer the bucket grants. ELB User Guide, "Enable access logs for your Application Load
 * Balancer", step 2, "Outposts Zones":
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 */
export const ELB_OUTPOSTS_LOG_DELIVERY_SERVICE = "logdelivery.elb.amazonaws.com";

/**
 * Pure: the log bucket's policy. Each ALB logs under `<prefix>/<its own prefix>/`; the Outposts
 * log delivery may put objects only under `<prefix>/<any>/AWSLogs/<account>/`, and only with
 * the bucket-owner-full-control ACL AWS documents for it (accepted under BucketOwnerEnforced).
 * Every request that is not over TLS is denied, whoever makes it.
 */
export function logBucketPolicy(input: {
  bucketArn: string;
  prefix: string;
  accountId: string;
}): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ElbAccessLogDeliveryOnOutposts",
        Effect: "Allow",
        Principal: { Service: ELB_OUTPOSTS_LOG_DELIVERY_SERVICE },
        Action: "s3:PutObject",
        Resource: `${input.bucketArn}/${input.prefix}/*/AWSLogs/${input.accountId}/*`,
        Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } },
      },
      tlsOnlyStatement(input.bucketArn),
    ],
  };
}
