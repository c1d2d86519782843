import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { ExitCode } from "../../support/exit-codes";
import { UserError } from "../../support/user-error";
import { describeLocation, type StoreLocation } from "../store-location";

type S3Location = Extract<StoreLocation, { kind: "s3" }>;

/** The journal store could not be reached or answered with a server error: try again later. */
export class StoreUnavailableError extends Error {
  constructor(
    readonly place: string,
    readonly cause: unknown,
  ) {
    super(`${place} did not answer: ${shortMessage(cause)}`);
    this.name = "StoreUnavailableError";
  }
}

/** What a conditional write found instead: someone else's object (or none, for If-Match). */
export class PreconditionFailed extends Error {
  constructor(readonly key: string) {
    super(`${key}: precondition failed`);
    this.name = "PreconditionFailed";
  }
}

export interface StoredObject {
  readonly body: string;
  readonly etag: string;
  readonly lastModified: Date | undefined;
}

/**
 * One bucket and key prefix, with only the operations the journal and the lock need, all of
 * them conditional where it matters. S3 has been strongly consistent for every read since
 * December 2020 and supports `If-None-Match: *` on PutObject (Aug 2024), `If-Match` on
 * PutObject (Nov 2024) and on DeleteObject; a failed condition is 412 Precondition Failed, a
 * concurrent conditional write 409 ConditionalRequestConflict. Both come back here as
 * {@link PreconditionFailed}.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-requests.html
 */
export class S3Bucket {
  readonly place: string;

  constructor(
    private readonly client: S3Client,
    readonly location: S3Location,
    /** What it is, for messages. */
    private readonly role = "the journal store",
  ) {
    this.place = describeLocation(location);
  }

  /** One cheap list: a wrong bucket or rejected credentials fail here, before anything changes. */
  async probe(): Promise<void> {
    await this.send(
      new ListObjectsV2Command({ Bucket: this.location.bucket, MaxKeys: 1 }),
      this.location.bucket,
    );
  }

  /** The full key of `name` under the prefix. */
  key(name: string): string {
    return this.location.prefix ? `${this.location.prefix}/${name}` : name;
  }

  /** Creates `name` only if nothing is there; returns the new ETag. */
  putIfAbsent(name: string, body: string): Promise<string> {
    return this.put(name, body, { IfNoneMatch: "*" });
  }

  /** Replaces `name` only if it still has `etag`; returns the new ETag. */
  putIfMatch(name: string, body: string, etag: string): Promise<string> {
    return this.put(name, body, { IfMatch: etag });
  }

  async get(name: string): Promise<StoredObject | undefined> {
    const key = this.key(name);
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: key }),
      );
      const body = (await out.Body?.transformToString("utf8")) ?? "";
      return { body, etag: out.ETag ?? "", lastModified: out.LastModified };
    } catch (err) {
      if (errorName(err) === "NoSuchKey") return undefined;
      // The SDK checks the body against the checksum stored with the object.
      if (/checksum mismatch/i.test(shortMessage(err))) {
        throw new Error(
          `${this.place}/${name} is damaged (its content no longer matches the checksum stored with it); refusing to guess`,
        );
      }
      throw this.failure(err, key);
    }
  }

  /** Deletes `name` only if it still has `etag`; false when it had changed or was gone. */
  async deleteIfMatch(name: string, etag: string): Promise<boolean> {
    const key = this.key(name);
    try {
      await this.client.send(
        new DeleteObjectCommand({ Bucket: this.location.bucket, Key: key, IfMatch: etag }),
      );
      return true;
    } catch (err) {
      if (isPreconditionFailure(err) || errorName(err) === "NoSuchKey") return false;
      throw this.failure(err, key);
    }
  }

  /** Keys under `folder/` that sort after `startAfter` (a name relative to the prefix), in order. */
  async listAfter(folder: string, startAfter?: string): Promise<string[]> {
    const names: string[] = [];
    const base = this.key(folder.endsWith("/") ? folder : `${folder}/`);
    let token: string | undefined;
    do {
      const out = await this.send(
        new ListObjectsV2Command({
          Bucket: this.location.bucket,
          Prefix: base,
          StartAfter: startAfter === undefined ? undefined : this.key(startAfter),
          ContinuationToken: token,
        }),
        base,
      );
      for (const item of out.Contents ?? []) {
        if (item.Key !== undefined) names.push(this.relative(item.Key));
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token !== undefined);
    return names;
  }

  /** The sub-folders of `folder/` (one level), as names relative to it. */
  async folders(folder: string): Promise<string[]> {
    const names: string[] = [];
    const base = this.key(folder.endsWith("/") ? folder : `${folder}/`);
    let token: string | undefined;
    do {
      const out = await this.send(
        new ListObjectsV2Command({
          Bucket: this.location.bucket,
          Prefix: base,
          Delimiter: "/",
          ContinuationToken: token,
        }),
        base,
      );
      for (const common of out.CommonPrefixes ?? []) {
        if (common.Prefix !== undefined)
          names.push(common.Prefix.slice(base.length).replace(/\/$/, ""));
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token !== undefined);
    return names;
  }

  private async put(
    name: string,
    body: string,
    condition: { IfNoneMatch?: string; IfMatch?: string },
  ): Promise<string> {
    const key = this.key(name);
    try {
      const out = await this.client.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: key,
          Body: body,
          ContentType: "application/json",
          // The server checks the body against this before it stores anything: no torn object.
          ChecksumAlgorithm: "SHA256",
          ...condition,
        }),
      );
      return out.ETag ?? "";
    } catch (err) {
      if (isPreconditionFailure(err)) throw new PreconditionFailed(key);
      throw this.failure(err, key);
    }
  }

  private async send(
    command: ListObjectsV2Command,
    key: string,
  ): Promise<ListObjectsV2CommandOutput> {
    try {
      return await this.client.send(command);
    } catch (err) {
      throw this.failure(err, key);
    }
  }

  private relative(key: string): string {
    return this.location.prefix ? key.slice(this.location.prefix.length + 1) : key;
  }

  /** A user mistake (bucket, credentials) becomes a UserError; anything else "unavailable". */
  private failure(err: unknown, key: string): Error {
    const name = errorName(err);
    const where = `${this.role} ${this.place}`;
    if (name === "NoSuchBucket") {
      return new UserError(
        `${where}: bucket "${this.location.bucket}" does not exist (NoSuchBucket); create it or fix --journal-url / the backend URL`,
        ExitCode.BadInput,
      );
    }
    if (CREDENTIAL_ERRORS.includes(name)) {
      return new UserError(
        `${where}: S3 refused the credentials (${name}: ${shortMessage(err)}) on ${key}; check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or the role the job assumes`,
        ExitCode.BadInput,
      );
    }
    return new StoreUnavailableError(`${this.role} ${this.place}`, err);
  }
}

const CREDENTIAL_ERRORS = [
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "AccessDenied",
  "ExpiredToken",
  "InvalidToken",
  "CredentialsProviderError",
  "AuthorizationHeaderMalformed",
];

function errorName(err: unknown): string {
  if (err instanceof S3ServiceException) return err.name;
  return (err as { name?: string } | undefined)?.name ?? "";
}

function isPreconditionFailure(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  const name = errorName(err);
  return (
    status === 412 ||
    status === 409 ||
    name === "PreconditionFailed" ||
    name === "ConditionalRequestConflict"
  );
}

function shortMessage(err: unknown): string {
  const error = err as { code?: string; message?: string; name?: string };
  const text = error?.message || error?.code || error?.name || String(err);
  return text.split("\n")[0];
}
