import { createHash } from "node:crypto";
import * as os from "node:os";
import * as path from "node:path";

/** sun_path holds 108 bytes on Linux (104 on macOS), terminator included. */
export const MAX_SOCKET_PATH = 103;

/**
 * Where the runtime API socket of a balancer lives: next to its config, unless that path is
 * too long for a unix socket (deep project folders); then in the temp folder, under a name
 * derived from the wanted path so that it stays unique per balancer.
 */
export function runtimeSocketPath(dir: string, tmpDir: string = os.tmpdir()): string {
  const wanted = path.join(dir, "haproxy.sock");
  if (Buffer.byteLength(wanted) <= MAX_SOCKET_PATH) return wanted;
  const digest = createHash("sha256").update(wanted).digest("hex").slice(0, 16);
  return path.join(tmpDir, `outpost-fleet-${digest}.sock`);
}
