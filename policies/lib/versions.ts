import { Color, COLORS, STACK_OUTPUTS } from "../../infra/contract";
import { localConfigDocuments } from "./local-config-store";
import { asArray, asString, at, isRecord } from "./plain";
import { FleetResource } from "./fleet-resource";
import { launchedTags, TAG, tagsOf, tagValue } from "./resource-tags";
import { TYPES } from "./types";

/** One place that says which app version something runs. */
export interface VersionClaim {
  readonly resource: FleetResource;
  /** Where the version was read, for messages: "tag AppVersion", "image", ... */
  readonly source: string;
  readonly version: string;
  readonly outpost?: string;
  /** Undefined for release-wide claims (Rollout, release parameter, stack output). */
  readonly color?: Color;
}

/** The tag of `repo:tag`; undefined for digests and untagged images. */
export function imageTag(image: string): string | undefined {
  const name = image.slice(image.lastIndexOf("/") + 1);
  if (image.includes("@")) return undefined;
  const colon = name.lastIndexOf(":");
  return colon >= 0 ? name.slice(colon + 1) : undefined;
}

/** APP_VERSION=... from a base64 (or plain) boot script. */
export function userDataVersion(userData: string): string | undefined {
  const text = /^[A-Za-z0-9+/=\s]+$/.test(userData)
    ? Buffer.from(userData, "base64").toString("utf8")
    : userData;
  return /^APP_VERSION=(\S+)$/m.exec(text)?.[1];
}

/** Every version claim one resource makes. */
export function versionClaims(resource: FleetResource): VersionClaim[] {
  const claims: VersionClaim[] = [];
  const { props, outpost, color } = resource;
  const claim = (
    source: string,
    version: unknown,
    where: { outpost?: string; color?: Color } = { outpost, color },
  ) => {
    if (typeof version === "string" && version !== "")
      claims.push({ resource, source, version, ...where });
  };

  claim(`tag ${TAG.appVersion}`, tagValue(tagsOf(props), TAG.appVersion));
  if (resource.type === TYPES.launchTemplate || resource.type === TYPES.instance) {
    launchedTags(props).forEach((tags, i) =>
      claim(`tagSpecifications[${i}] ${TAG.appVersion}`, tags[TAG.appVersion]),
    );
    const userData = asString(props.userData);
    if (userData !== undefined) claim("userData APP_VERSION", userDataVersion(userData));
  }
  if (resource.type === TYPES.rollout) claims.push(...rolloutClaims(resource));
  if (resource.type === TYPES.ssmParameter && asString(props.name)?.endsWith("/release/version")) {
    claim("release parameter", props.value, { outpost: undefined, color: undefined });
  }
  if (resource.type === TYPES.dynamic) {
    // A local pool runs one version; the local balancer states what each color runs.
    claim("input version", props.version);
    for (const c of COLORS)
      claim(`input versions.${c}`, at(props, "versions", c), { outpost, color: c });
  }
  // The local config store holds the release like the SSM parameter does.
  for (const document of localConfigDocuments(resource)) {
    if (document.path.endsWith("/release/version"))
      claim(`document ${document.path}`, document.value, { outpost: undefined, color: undefined });
  }
  if (resource.type === TYPES.stack) claims.push(...outputClaims(resource));
  return claims;
}

function rolloutClaims(resource: FleetResource): VersionClaim[] {
  const { props, outpost } = resource;
  const claims: VersionClaim[] = [];
  const claim = (source: string, version: unknown) => {
    if (typeof version === "string" && version !== "")
      claims.push({ resource, source, version, outpost });
  };
  const template = at(props, "spec", "template");
  asArray(at(template, "spec", "containers")).forEach((container, i) => {
    const image = asString(at(container, "image"));
    if (image !== undefined) claim(`containers[${i}].image`, imageTag(image));
    for (const env of asArray(at(container, "env"))) {
      if (at(env, "name") === "APP_VERSION")
        claim(`containers[${i}] env APP_VERSION`, at(env, "value"));
    }
  });
  claim("pod label version", at(template, "metadata", "labels", "version"));
  return claims;
}

/** The stack's own outputs: the release, and each Outpost's versions by color. */
function outputClaims(resource: FleetResource): VersionClaim[] {
  const claims: VersionClaim[] = [];
  const release = resource.props[STACK_OUTPUTS.release];
  if (typeof release === "string")
    claims.push({ resource, source: `output ${STACK_OUTPUTS.release}`, version: release });
  const outposts = resource.props[STACK_OUTPUTS.outposts];
  if (!isRecord(outposts)) return claims;
  for (const [outpost, entry] of Object.entries(outposts)) {
    for (const color of COLORS) {
      const version = at(entry, "versions", color);
      if (typeof version === "string") {
        claims.push({
          resource,
          source: `output ${STACK_OUTPUTS.outposts}.${outpost}.versions.${color}`,
          version,
          outpost,
          color,
        });
      }
    }
  }
  return claims;
}
