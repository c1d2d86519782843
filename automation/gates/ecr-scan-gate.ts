import { SCAN_SEVERITIES, type ScanSeverity } from "../settings/staging-test-settings";
import {
  fail,
  type Figure,
  type Gate,
  type GateTarget,
  type Measurement,
  pass,
  pending,
} from "./gate";

/** One page of DescribeImageScanFindings, reduced to what the gate judges. */
export interface ScanFindingsPage {
  /** imageScanStatus.status: IN_PROGRESS, COMPLETE, FAILED, ACTIVE, PENDING, ... */
  readonly status: string;
  readonly description?: string;
  /** imageScanFindings.findingSeverityCounts: the whole scan's counts, on every page. */
  readonly severityCounts: Readonly<Record<string, number>>;
  /** The severities of this page's enhanced (Amazon Inspector) findings. */
  readonly enhancedSeverities: readonly string[];
  readonly nextToken?: string;
}

export interface EcrImage {
  readonly registryId: string;
  readonly region: string;
  readonly repositoryName: string;
  readonly imageTag: string;
}

/** Port to ECR's DescribeImageScanFindings; throws the SDK's errors (ImageNotFoundException, ScanNotFoundException). */
export interface ScanFindingsReader {
  page(
    image: EcrImage,
    nextToken: string | undefined,
    signal: AbortSignal,
  ): Promise<ScanFindingsPage>;
}

/** Where the stack's image lives: `app.imageRepository` of its merged config (cli/engine-options.ts). */
export type ImageRepositoryOf = (target: GateTarget) => string | Promise<string>;

const ECR_REPOSITORY =
  /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]*)$/;

/** `<account>.dkr.ecr.<region>.amazonaws.com/<name>` and a tag -> the image to ask about. */
export function ecrImageOf(repositoryUri: string, imageTag: string): EcrImage | undefined {
  const match = ECR_REPOSITORY.exec(repositoryUri);
  if (match === null) return undefined;
  return { registryId: match[1], region: match[2], repositoryName: match[3], imageTag };
}

const STILL_SCANNING = new Set(["IN_PROGRESS", "PENDING"]);
const SCANNED = new Set(["COMPLETE", "ACTIVE"]);
/** Inspector's UNTRIAGED has no severity yet: counted as UNDEFINED. */
const severityOf = (raw: string): ScanSeverity =>
  (SCAN_SEVERITIES as readonly string[]).includes(raw) ? (raw as ScanSeverity) : "UNDEFINED";

/**
 * The release image's vulnerability scan (AWS target only): the image `<repository>:<release>`
 * must have a finished scan with no finding at or above `failAtSeverity`. Basic scanning gives
 * the counts (findingSeverityCounts); enhanced scanning lists findings, counted over every page.
 * A severity's count is the larger of the two, so a scan that reports both is not counted twice.
 */
export class EcrScanGate implements Gate {
  readonly name = "ecr-scan";

  constructor(
    private readonly reader: ScanFindingsReader,
    private readonly imageRepositoryOf: ImageRepositoryOf,
    private readonly failAtSeverity: ScanSeverity,
  ) {}

  async measure(target: GateTarget, signal: AbortSignal): Promise<Measurement> {
    const repository = await this.imageRepositoryOf(target);
    const image = ecrImageOf(repository, target.release);
    const name = `${repository}:${target.release}`;
    if (image === undefined) {
      return fail(
        `${repository} is not an ECR repository (<account>.dkr.ecr.<region>.amazonaws.com/<name>); cannot read its scan`,
      );
    }
    const enhanced = new Map<ScanSeverity, number>();
    let first: ScanFindingsPage | undefined;
    let nextToken: string | undefined;
    do {
      let page: ScanFindingsPage;
      try {
        page = await this.reader.page(image, nextToken, signal);
      } catch (err) {
        // ImageNotFoundException: the repository holds no such tag (never pushed); the scan
        // cannot exist either, and a retry will not change that. ScanNotFoundException: the
        // image is there but was never scanned.
        // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImageScanFindings.html#API_DescribeImageScanFindings_Errors
        const code = (err as Error).name;
        if (code === "ImageNotFoundException") {
          return fail(`image ${image.imageTag} not found in ${repository}`);
        }
        if (code === "ScanNotFoundException") {
          return fail(`no scan for ${name}; scan on push must be on`);
        }
        throw err;
      }
      first ??= page;
      if (STILL_SCANNING.has(page.status)) return pending(`scan of ${name}: ${page.status}`);
      if (!SCANNED.has(page.status)) {
        return fail(
          `scan of ${name}: ${page.status}${page.description ? ` (${page.description})` : ""}`,
        );
      }
      for (const raw of page.enhancedSeverities) {
        const severity = severityOf(raw);
        enhanced.set(severity, (enhanced.get(severity) ?? 0) + 1);
      }
      nextToken = page.nextToken;
    } while (nextToken !== undefined);

    const counts = SCAN_SEVERITIES.map((severity) => ({
      severity,
      count: Math.max(first.severityCounts[severity] ?? 0, enhanced.get(severity) ?? 0),
    }));
    const failing = counts.slice(0, SCAN_SEVERITIES.indexOf(this.failAtSeverity) + 1);
    const blocking = failing.reduce((sum, c) => sum + c.count, 0);
    const figures: Figure[] = [
      ...counts
        .filter((c) => c.count > 0)
        .map((c) => ({
          name: c.severity.toLowerCase(),
          value: c.count,
          unit: "findings",
        })),
      {
        name: `at or above ${this.failAtSeverity.toLowerCase()}`,
        value: blocking,
        unit: "findings",
        threshold: 0,
        limit: "max" as const,
      },
    ];
    const named = counts.filter((c) => c.count > 0).map((c) => `${c.count} ${c.severity}`);
    const seen = named.length > 0 ? named.join(", ") : "no findings";
    if (blocking > 0) {
      return fail(`${name}: ${seen}; fails at ${this.failAtSeverity} or above`, figures);
    }
    return pass(`${name}: ${seen}`, figures);
  }
}
