/**
 * The journal and the fleet lock in S3 (automation/store/s3/) on the wire against moto's S3,
 * through the store the CLI opens (openFleetStore, s3ClientFor): moto 5.2.1 honours
 * `If-None-Match: *` and `If-Match` on PutObject and `If-Match` on DeleteObject (412
 * PreconditionFailed), so the one-writer-at-a-time rules run here. What moto does not do as S3
 * does stays on versitygw (test/automation/s3-store.test.ts), and the first test shows it:
 * its check and its write are two steps of a threaded server, not one atomic operation, so
 * the races (two writers at once, 20 drivers for one lock) are not tested here; and it stores
 * a PUT whose SHA-256 does not match its body, where S3 refuses it (BadDigest).
 */
import { expect } from "chai";
import * as s3 from "@aws-sdk/client-s3";
import type { LockClaim } from "../../automation/lock/lock-holder";
import { openFleetStore } from "../../automation/store/fleet-store";
import { ExitCode } from "../../automation/support/exit-codes";
import { UserError } from "../../automation/support/user-error";
import { DRIVER_CREDENTIALS, MotoServer } from "./support/moto-server";

const BUCKET = "storefront-pulumi-state-111122223333";
const claim = (host: string): LockClaim => ({
  user: "codebuild",
  host,
  pid: 4242,
  runId: `codebuild:outpost-fleet-deploy:${host}`,
  command: "outpost-fleet deploy --release 2.1.0",
  release: "2.1.0",
});

describe("wire: the S3 journal and fleet lock (moto_server)", function () {
  this.timeout(60_000);
  let moto: MotoServer;
  let prefixes = 0;
  /** The driver's environment in CodeBuild, pointed at moto. */
  const env = () => ({
    AWS_ACCESS_KEY_ID: DRIVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DRIVER_CREDENTIALS.secretAccessKey,
    AWS_REGION: "us-east-1",
    AWS_ENDPOINT_URL_S3: moto.endpoint,
  });
  const store = (prefix: string, now?: () => number) =>
    openFleetStore(
      { kind: "s3", bucket: BUCKET, prefix },
      { env: env(), staleAfterMs: 60_000, ...(now ? { now } : {}) },
    );

  before(async () => {
    moto = await MotoServer.start();
    const client = new s3.S3Client({ ...moto.clientConfig("us-east-1"), forcePathStyle: true });
    await client.send(new s3.CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(async () => moto?.stop());

  it("moto's S3 refuses a create-only PUT on an existing key and a stale If-Match (412), but not a bad checksum", async () => {
    const client = new s3.S3Client({ ...moto.clientConfig("us-east-1"), forcePathStyle: true });
    const status = (promise: Promise<unknown>) =>
      promise.then(
        () => 200,
        (err: { $metadata?: { httpStatusCode?: number } }) => err.$metadata?.httpStatusCode,
      );
    const put = (condition: { IfNoneMatch?: string; IfMatch?: string }) =>
      client.send(
        new s3.PutObjectCommand({
          Bucket: BUCKET,
          Key: "probe",
          Body: "x",
          ChecksumAlgorithm: "SHA256",
          ...condition,
        }),
      );
    expect(await status(put({ IfNoneMatch: "*" }))).to.equal(200);
    expect(await status(put({ IfNoneMatch: "*" }))).to.equal(412);
    expect(await status(put({ IfMatch: '"0123456789abcdef0123456789abcdef"' }))).to.equal(412);
    expect(
      await status(
        client.send(
          new s3.DeleteObjectCommand({ Bucket: BUCKET, Key: "probe", IfMatch: '"0123"' }),
        ),
      ),
    ).to.equal(412);
    // Not as S3: a body that does not match its checksum is stored all the same.
    const sha256OfEmpty = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    const torn = new s3.PutObjectCommand({
      Bucket: BUCKET,
      Key: "torn",
      Body: "x",
      ChecksumSHA256: sha256OfEmpty,
    });
    expect(await status(client.send(torn))).to.equal(200);
  });

  it("journal: one create-only object per event; a writer that is behind catches up, losing nothing", async () => {
    const prefix = `fleet-${++prefixes}`;
    const a = store(prefix).journals.journal("2.1.0");
    const b = store(prefix).journals.journal("2.1.0");
    await a.append({ type: "pause-requested", by: { user: "alice", host: "a", pid: 1 } });
    // b has never read: its first append finds seq 1 taken (412) and takes 2.
    await b.append({ type: "resumed", by: { user: "bob", host: "b", pid: 2 } });
    // a believes 1 is the last: its PUT of 2 is refused, it lists after 1 and takes 3.
    await a.append({ type: "paused", before: "wave eu" });
    const { events, tornTail } = await store(prefix).journals.journal("2.1.0").read();
    expect(tornTail).to.equal(false);
    expect(events.map((e) => `${e.seq} ${e.type}`)).to.deep.equal([
      "1 pause-requested",
      "2 resumed",
      "3 paused",
    ]);
    const listed = await new s3.S3Client({
      ...moto.clientConfig("us-east-1"),
      forcePathStyle: true,
    }).send(new s3.ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/` }));
    expect(listed.Contents?.map((o) => o.Key)).to.deep.equal([
      `${prefix}/releases/2.1.0/0000000001.jsonl`,
      `${prefix}/releases/2.1.0/0000000002.jsonl`,
      `${prefix}/releases/2.1.0/0000000003.jsonl`,
    ]);
    expect(await store(prefix).journals.releases()).to.deep.equal(["2.1.0"]);
  });

  it("lock: taken once, a second driver refused naming the holder, beaten, taken over when stale, given back", async () => {
    const prefix = `fleet-${++prefixes}`;
    let clock = Date.UTC(2026, 11, 7, 1, 0);
    const now = () => clock;
    const first = await store(prefix, now).lock.acquire(claim("build-a"));
    const refused = await store(prefix, now)
      .lock.acquire(claim("build-b"))
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(refused).to.be.instanceOf(UserError);
    expect((refused as UserError).exitCode).to.equal(ExitCode.Locked);
    expect((refused as Error).message).to.contain("build-a");
    clock += 30_000;
    await first.heartbeat();
    expect((await store(prefix, now).lock.inspect()).state).to.equal("held");
    // The holder stops beating: past the TTL another driver takes the lock over, once.
    clock += 61_000;
    const stale: string[] = [];
    const second = await store(prefix, now).lock.acquire(claim("build-b"), (holder) =>
      stale.push(holder.host),
    );
    expect(stale).to.deep.equal(["build-a"]);
    // The old holder's heartbeat and give-back find someone else's lock and leave it.
    const lost = await first.heartbeat().then(
      () => undefined,
      (err: Error) => err.message,
    );
    expect(lost).to.match(/lost the fleet lock .*: it is now held by codebuild@build-b/);
    await first.release();
    expect((await store(prefix, now).lock.inspect()).state).to.equal("held");
    await second.release();
    expect((await store(prefix, now).lock.inspect()).state).to.equal("free");
  });
});
