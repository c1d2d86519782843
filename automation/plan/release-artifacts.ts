import { amiNameFor, imageFor } from "../../infra/config/fleet-config";
import { UserError } from "../support/user-error";

/** Where one stack's build of a release comes from (its merged `app` config). */
export interface ArtifactSources {
  readonly imageRepository: string;
  readonly amiNamePrefix: string;
}

/**
 * What every wave of a release deploys, wave 0 included. The EKS image is `<repository>:<version>`
 * and the repository's tags are immutable (policy ecr-immutable-tags, infra/control), so the tag
 * names one digest everywhere; the EC2 AMI is the one build named `<prefix>-<version>`, copied to
 * each Region (AMI ids are per Region, the name is not).
 */
export interface ReleaseArtifacts {
  readonly image: string;
  readonly amiName: string;
  /**
   * `sha256:...` the image tag resolved to when the deploy started (cli/image-digest.ts; local target only, else absent); a
   * production wave needs a staging pass of this very digest (executor/staging-pass-check.ts).
   */
  readonly imageDigest?: string;
}

/**
 * The release's artifacts, the same for every selected stack; a stack that would deploy another
 * image or AMI is refused: staging must test exactly what production gets.
 */
export function releaseArtifacts(
  release: string,
  sources: Readonly<Record<string, ArtifactSources>>,
): ReleaseArtifacts | undefined {
  const byStack = Object.entries(sources).map(([stack, source]) => ({
    stack,
    image: imageFor(source.imageRepository, release),
    amiName: amiNameFor(source.amiNamePrefix, release),
  }));
  if (byStack.length === 0) return undefined;
  const [first] = byStack;
  const odd = byStack.filter((s) => s.image !== first.image || s.amiName !== first.amiName);
  if (odd.length > 0) {
    const shown = [first, ...odd].map((s) => `${s.stack}: image ${s.image}, AMI ${s.amiName}`);
    throw new UserError(
      `app.imageRepository / app.amiNamePrefix must be the same on every stack of a release, so ` +
        `that staging tests what production gets; got ${shown.join("; ")}`,
    );
  }
  return { image: first.image, amiName: first.amiName };
}
