import { S3Client } from "@aws-sdk/client-s3";
import type { StoreLocation } from "../store-location";

type S3Location = Extract<StoreLocation, { kind: "s3" }>;

/**
 * An S3 client for a journal place. Credentials and region come from the SDK's standard
 * chain (environment, shared config and SSO, web identity as in GitHub OIDC, ECS/CodeBuild
 * and EC2 roles); keys in `env` are used first because the CLI may run with an environment of
 * its own (tests). `AWS_ENDPOINT_URL_S3` (else `AWS_ENDPOINT_URL`), or the URL's `endpoint`
 * parameter, points it at an S3-compatible server, which then gets path-style addressing
 * unless `use_path_style=false`.
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */
export function s3ClientFor(location: S3Location, env: NodeJS.ProcessEnv = process.env): S3Client {
  const endpoint = location.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const region =
    location.region ??
    env.AWS_REGION ??
    env.AWS_DEFAULT_REGION ??
    // S3-compatible servers rarely care; the SDK still needs a region to sign with.
    (endpoint !== undefined ? "us-east-1" : undefined);
  const keys =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          sessionToken: env.AWS_SESSION_TOKEN,
        }
      : undefined;
  return new S3Client({
    endpoint,
    region,
    forcePathStyle: location.pathStyle ?? endpoint !== undefined,
    credentials: keys,
    // A few quick tries, each bounded: a driver must notice a lost store within its lock's TTL.
    maxAttempts: 3,
    requestHandler: {
      connectionTimeout: 5_000,
      requestTimeout: 20_000,
      throwOnRequestTimeout: true,
    },
  });
}
