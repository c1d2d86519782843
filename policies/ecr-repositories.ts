import { ResourceValidationPolicy } from "@pulumi/policy";
import { validateTypes } from "./lib/policy";
import { asBoolean, at, isUnknown } from "./lib/plain";
import { TYPES } from "./lib/types";
import { POLICY } from "./names";

/**
 * Every image is scanned for vulnerabilities as it is pushed (AWS Config's
 * ecr-private-image-scanning-enabled), so the pipeline's security scan has findings to read.
 */
export const ecrScanOnPush: ResourceValidationPolicy = {
  name: POLICY.ecrScanOnPush,
  description: "Every ECR repository scans images on push.",
  enforcementLevel: "mandatory",
  validateResource: validateTypes([TYPES.ecrRepository], (resource, _args, report) => {
    const scan = at(resource.props, "imageScanningConfiguration", "scanOnPush");
    if (isUnknown(scan)) return;
    if (asBoolean(scan) !== true)
      report(
        `imageScanningConfiguration.scanOnPush is ${JSON.stringify(scan ?? null)}; set it to true so that every pushed image is scanned.`,
      );
  }),
};

/**
 * A release version names one image forever: a pushed tag cannot be overwritten (AWS Config's
 * ecr-private-tag-immutability-enabled), so every Outpost that runs 2.1.0 runs the same bytes.
 * Creation templates count too: they make the replicas in the fleet's other Regions.
 */
export const ecrImmutableTags: ResourceValidationPolicy = {
  name: POLICY.ecrImmutableTags,
  description: "Every ECR repository and repository creation template has immutable image tags.",
  enforcementLevel: "mandatory",
  validateResource: validateTypes(
    [TYPES.ecrRepository, TYPES.ecrCreationTemplate],
    (resource, _args, report) => {
      const mutability = resource.props.imageTagMutability;
      if (isUnknown(mutability)) return;
      if (mutability !== "IMMUTABLE")
        report(
          `imageTagMutability is ${JSON.stringify(mutability ?? "MUTABLE")}; set it to "IMMUTABLE" so that a release tag always names the same image.`,
        );
    },
  ),
};
