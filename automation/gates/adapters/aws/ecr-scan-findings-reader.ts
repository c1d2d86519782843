import type { ScanFindingsReader } from "../../ecr-scan-gate";

type Ecr = typeof import("@aws-sdk/client-ecr");

/** The one call the reader makes, so tests can stand in for the SDK client. */
export interface ScanFindingsClient {
  send(
    command: InstanceType<Ecr["DescribeImageScanFindingsCommand"]>,
    options: { abortSignal: AbortSignal },
  ): Promise<import("@aws-sdk/client-ecr").DescribeImageScanFindingsCommandOutput>;
}

/**
 * The AWS SDK v3 adapter, loaded only when the gate runs; one client per region, with the
 * driver's own credentials (the repository is in the control account, where the driver runs).
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImageScanFindings.html
 */
export function awsScanFindingsReader(
  newClient: (region: string) => Promise<ScanFindingsClient> = async (region) =>
    new (await import("@aws-sdk/client-ecr")).ECRClient({ region }),
): ScanFindingsReader {
  const clients = new Map<string, Promise<ScanFindingsClient>>();
  return {
    async page(image, nextToken, signal) {
      const sdk = await import("@aws-sdk/client-ecr");
      let made = clients.get(image.region);
      if (!made) {
        made = newClient(image.region);
        clients.set(image.region, made);
      }
      const client = await made;
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
