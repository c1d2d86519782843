import { ResourceValidationPolicy } from "@pulumi/policy";
import { configBoolean, configNumber } from "./lib/config-values";
import { validateTypes } from "./lib/policy";
import {
  asArray,
  asBoolean,
  asNumber,
  asString,
  at,
  isRecord,
  isUnknown,
  PlainRecord,
} from "./lib/plain";
import { TYPES } from "./lib/types";
import { POLICY } from "./names";

/** Instances reach IMDS only with a session token (IMDSv2), and only from one or two hops. */
export const ec2Imdsv2Required: ResourceValidationPolicy = {
  name: POLICY.ec2Imdsv2Required,
  description:
    "Launch templates and instances require IMDSv2 session tokens and cap the metadata hop limit.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      maxHopLimit: {
        type: "integer",
        minimum: 1,
        maximum: 64,
        default: 2,
        description:
          "Highest httpPutResponseHopLimit allowed; 2 lets pods on EKS nodes reach IMDS.",
      },
    },
  },
  validateResource: validateTypes(
    [TYPES.launchTemplate, TYPES.instance],
    (resource, args, report) => {
      const maxHopLimit = configNumber(args.getConfig(), "maxHopLimit", 2);
      const options = resource.props.metadataOptions;
      if (isUnknown(options)) return;
      if (at(options, "httpEndpoint") === "disabled") return; // no IMDS at all is stricter still
      const tokens = at(options, "httpTokens");
      if (!isUnknown(tokens) && tokens !== "required") {
        report(
          `metadataOptions.httpTokens is ${JSON.stringify(tokens ?? null)}; set it to "required" so that only IMDSv2 ` +
            "session requests reach instance credentials.",
        );
      }
      const hops = asNumber(at(options, "httpPutResponseHopLimit"));
      if (hops !== undefined && hops > maxHopLimit) {
        report(
          `metadataOptions.httpPutResponseHopLimit is ${hops}; at most ${maxHopLimit} is allowed.`,
        );
      }
    },
  ),
};

/** Every EBS volume the fleet creates is encrypted, root volumes included. */
export const ebsEncrypted: ResourceValidationPolicy = {
  name: POLICY.ebsEncrypted,
  description:
    "EBS volumes, and the block devices of launch templates and instances, are encrypted.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      requireKmsKey: {
        type: "boolean",
        default: false,
        description: "Also require a customer-managed KMS key (kmsKeyId) on every volume.",
      },
      requireExplicitRootVolume: {
        type: "boolean",
        default: true,
        description:
          "Launch templates and instances must declare their root volume; otherwise its encryption depends on the AMI.",
      },
    },
  },
  validateResource: validateTypes(
    [TYPES.launchTemplate, TYPES.instance, TYPES.ebsVolume],
    (resource, args, report) => {
      const config = args.getConfig();
      const requireKmsKey = configBoolean(config, "requireKmsKey", false);
      const requireExplicit = configBoolean(config, "requireExplicitRootVolume", true);
      const volumes = volumesOf(resource.type, resource.props);
      if (requireExplicit && resource.type === TYPES.launchTemplate && volumes.length === 0) {
        report(
          "declares no blockDeviceMappings, so the root volume's encryption depends on the AMI; " +
            "declare the root device with ebs.encrypted = true.",
        );
      }
      if (
        requireExplicit &&
        resource.type === TYPES.instance &&
        resource.props.rootBlockDevice === undefined
      ) {
        report(
          "declares no rootBlockDevice, so its encryption depends on the AMI; set rootBlockDevice.encrypted = true.",
        );
      }
      for (const { path, volume } of volumes) {
        const encrypted = volume.encrypted;
        if (isUnknown(encrypted)) continue;
        if (asBoolean(encrypted) !== true) {
          report(
            `${path}.encrypted is ${JSON.stringify(encrypted ?? null)}; EBS volumes must be encrypted.`,
          );
        } else if (
          requireKmsKey &&
          asString(volume.kmsKeyId) === undefined &&
          !isUnknown(volume.kmsKeyId)
        ) {
          report(`${path} has no kmsKeyId; this fleet requires a customer-managed KMS key.`);
        }
      }
    },
  ),
};

function volumesOf(type: string, props: PlainRecord): { path: string; volume: PlainRecord }[] {
  if (type === TYPES.ebsVolume) return [{ path: "volume", volume: props }];
  if (type === TYPES.launchTemplate) {
    return asArray(props.blockDeviceMappings).flatMap((mapping, i) => {
      const ebs = at(mapping, "ebs");
      return isRecord(ebs) ? [{ path: `blockDeviceMappings[${i}].ebs`, volume: ebs }] : [];
    });
  }
  const root = props.rootBlockDevice;
  const extra = asArray(props.ebsBlockDevices).flatMap((device, i) =>
    isRecord(device) ? [{ path: `ebsBlockDevices[${i}]`, volume: device }] : [],
  );
  return [...(isRecord(root) ? [{ path: "rootBlockDevice", volume: root }] : []), ...extra];
}
