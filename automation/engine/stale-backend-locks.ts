import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { processAlive } from "../../infra/host";

interface BackendLock {
  readonly pid?: number;
  readonly username?: string;
  readonly hostname?: string;
  readonly timestamp?: string;
}

/**
 * The file backend locks a stack with `.pulumi/locks/<org>/<project>/<stack>/<id>.json`. When
 * the process that took it was killed, the lock stays forever. Removes the locks of `stack`
 * that provably belong to us and are dead: taken by this user on this host, by a process that
 * is gone. Returns who held them. Another user's lock, a live holder, a holder on another host
 * and every lock of a non-file backend (S3, Pulumi Cloud: shared by many machines) are never
 * touched.
 */
export function removeStaleBackendLocks(
  backendUrl: string,
  stack: string,
  isAlive: (pid: number) => boolean = processAlive,
  user: string = currentUser(),
): string[] {
  if (!backendUrl.startsWith("file://")) return [];
  const root = path.join(backendUrl.slice("file://".length), ".pulumi", "locks");
  const removed: string[] = [];
  for (const file of lockFiles(root)) {
    if (path.basename(path.dirname(file)) !== stack) continue;
    let lock: BackendLock;
    try {
      lock = JSON.parse(fs.readFileSync(file, "utf8")) as BackendLock;
    } catch {
      continue;
    }
    const ours = lock.hostname === os.hostname() && lock.username === user;
    if (ours && typeof lock.pid === "number" && !isAlive(lock.pid)) {
      fs.rmSync(file, { force: true });
      removed.push(
        `${lock.username ?? "?"}@${lock.hostname} pid ${lock.pid} since ${lock.timestamp ?? "?"}`,
      );
    }
  }
  return removed;
}

function lockFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? lockFiles(full) : entry.name.endsWith(".json") ? [full] : [];
  });
}

function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? "";
  }
}
