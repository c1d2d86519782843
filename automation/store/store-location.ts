import * as path from "node:path";
import { UserError } from "../support/user-error";

/** Where the journals and the fleet lock live: a folder, or a bucket and a key prefix. */
export type StoreLocation =
  | { readonly kind: "file"; readonly dir: string }
  | {
      readonly kind: "s3";
      readonly bucket: string;
      /** Key prefix without leading or trailing slashes; "" for the bucket's root. */
      readonly prefix: string;
      /** An S3-compatible server (`endpoint=` parameter); AWS when unset. */
      readonly endpoint?: string;
      readonly region?: string;
      /** Path-style addressing (`use_path_style=`); default: on with an endpoint, else off. */
      readonly pathStyle?: boolean;
    };

/** The parameters an `s3://` URL may carry, as Pulumi's own s3:// backend spells them. */
const S3_PARAMETERS = ["endpoint", "region", "use_path_style", "s3ForcePathStyle"];

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket/prefix` (parameters left out: messages name the place, not the server). */
export function describeLocation(location: StoreLocation): string {
  if (location.kind === "file") return location.dir;
  return `s3://${location.bucket}${location.prefix ? `/${location.prefix}` : ""}`;
}

/**
 * Reads `--journal-url`: a folder (relative to `cwd`), a `file://` URL, or
 * `s3://bucket/prefix?endpoint=...&region=...&use_path_style=true`. Anything else is a user
 * error naming `what`, the value and what is allowed.
 */
export function parseStoreLocation(
  value: string,
  what: string,
  cwd = process.cwd(),
): StoreLocation {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(value)?.[1];
  if (scheme === undefined) return { kind: "file", dir: path.resolve(cwd, value) };
  const allowed = "must be a folder, a file:// URL or s3://bucket/prefix";
  if (scheme === "file") {
    const url = safeUrl(value, what, allowed);
    return { kind: "file", dir: path.resolve(decodeURIComponent(url.pathname)) };
  }
  if (scheme !== "s3") throw invalid(what, value, allowed);
  const url = safeUrl(value, what, allowed);
  const unknown = [...url.searchParams.keys()].filter((key) => !S3_PARAMETERS.includes(key));
  if (unknown.length > 0) {
    throw invalid(
      what,
      value,
      `unknown parameter ${unknown.join(", ")}: allowed are ${S3_PARAMETERS.join(", ")}`,
    );
  }
  return s3Location(url, what, value);
}

/**
 * The default journal place for a Pulumi backend URL: beside the state, under
 * `<prefix>/.outpost-fleet/<project>`, so every driver of the same stacks meets the same lock
 * whatever folder or machine it runs from. Undefined for backends that cannot hold it
 * (Pulumi Cloud, gs://, azblob://): those need `--journal-url`.
 */
export function locationBesideBackend(
  backendUrl: string,
  project: string,
): StoreLocation | undefined {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(backendUrl)?.[1];
  if (scheme === "file") {
    const dir = decodeURIComponent(new URL(backendUrl).pathname);
    return { kind: "file", dir: path.join(path.resolve(dir), ".outpost-fleet", project) };
  }
  if (scheme !== "s3") return undefined;
  const url = new URL(backendUrl);
  // Pulumi's own parameters (awssdk, profile, ...) mean nothing here; the server's do.
  for (const key of [...url.searchParams.keys()]) {
    if (!S3_PARAMETERS.includes(key)) url.searchParams.delete(key);
  }
  const state = s3Location(url, "the backend URL", backendUrl);
  if (state.kind !== "s3") return undefined;
  return {
    ...state,
    prefix: [state.prefix, ".outpost-fleet", project].filter((part) => part !== "").join("/"),
  };
}

function s3Location(url: URL, what: string, value: string): StoreLocation {
  const bucket = url.hostname;
  if (!BUCKET_NAME.test(bucket)) {
    throw invalid(
      what,
      value,
      `"${bucket}" is not an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)`,
    );
  }
  const prefix = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, "");
  const endpoint = url.searchParams.get("endpoint") ?? undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint)) {
    throw invalid(what, value, `endpoint "${endpoint}" must be an http:// or https:// URL`);
  }
  const style = url.searchParams.get("use_path_style") ?? url.searchParams.get("s3ForcePathStyle");
  if (style !== null && style !== "true" && style !== "false") {
    throw invalid(what, value, `use_path_style must be true or false, not "${style}"`);
  }
  return {
    kind: "s3",
    bucket,
    prefix,
    endpoint,
    region: url.searchParams.get("region") ?? undefined,
    pathStyle: style === null ? undefined : style === "true",
  };
}

function safeUrl(value: string, what: string, allowed: string): URL {
  try {
    return new URL(value);
  } catch {
    throw invalid(what, value, allowed);
  }
}

function invalid(what: string, value: string, allowed: string): UserError {
  return new UserError(`${what} = "${value}": ${allowed}`);
}
