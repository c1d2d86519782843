import type { ScanFindingsReader } from "../../ecr-scan-gate";

/**
 * The AWS SDK v3 adapter, loaded only when the gate runs; one client per region.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImageScanFindings.html
 */
export function awsScanFindingsReader(): ScanFindingsReader {
  const clients = new Map<string, import("@aws-sdk/client-ecr").ECRClient>();
  return {
    async page(image, nextToken, signal) {
      const sdk = await import("@aws-sdk/client-ecr");
      let client = clients.get(image.region);
      if (!client) {
        client = new sdk.ECRClient({ region: image.region });
        clients.set(image.region, client);
      }
      const answer = await client.send(
        new sdk.DescribeImageScanFindingsCommand({
          registryId: image.registryId,
          repositoryName: image.repositoryName,
          imageId: { imageTag: image.imageTag },
          nextToken,
        }),
        { abortSignal: signal },
      );
      return {
        status: answer.imageScanStatus?.status ?? "UNKNOWN",
        description: answer.imageScanStatus?.description,
        severityCounts: answer.imageScanFindings?.findingSeverityCounts ?? {},
        enhancedSeverities: (answer.imageScanFindings?.enhancedFindings ?? []).map(
          (finding) => finding.severity ?? "UNDEFINED",
        ),
        nextToken: answer.nextToken,
      };
    },
  };
}
