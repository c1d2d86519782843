import { FileFleetLock } from "./file/file-fleet-lock";
import { FileJournalStore } from "./file/file-journal-store";
import type { FleetLock } from "../lock/fleet-lock";
import type { LockOptions } from "../lock/lock-holder";
import type { JournalStore } from "../journal/journal-store";
import { S3Bucket } from "./s3/s3-bucket";
import { s3ClientFor } from "./s3/s3-client";
import { S3FleetLock } from "./s3/s3-fleet-lock";
import { S3JournalStore } from "./s3/s3-journal-store";
import { describeLocation, type StoreLocation } from "./store-location";

/** The journals and the fleet lock of one place: they always live together. */
export interface FleetStore {
  readonly location: StoreLocation;
  /** `.outpost-fleet` folder or `s3://bucket/prefix`, for messages. */
  readonly place: string;
  readonly journals: JournalStore;
  readonly lock: FleetLock;
}

export interface FleetStoreOptions extends LockOptions {
  /** Where the S3 client finds credentials, region and endpoint first. Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

export function openFleetStore(
  location: StoreLocation,
  options: FleetStoreOptions = {},
): FleetStore {
  const now = options.now ?? Date.now;
  if (location.kind === "file") {
    return {
      location,
      place: location.dir,
      journals: new FileJournalStore(location.dir, now),
      lock: new FileFleetLock(location.dir, options),
    };
  }
  const bucket = new S3Bucket(s3ClientFor(location, options.env), location);
  return {
    location,
    place: describeLocation(location),
    journals: new S3JournalStore(bucket, now),
    lock: new S3FleetLock(bucket, options),
  };
}
