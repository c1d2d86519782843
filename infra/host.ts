import * as fs from "node:fs";
import * as path from "node:path";

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` in the PATH-style `searchPath`, then in `extraDirs`. */
export function findOnPath(
  name: string,
  searchPath: string | undefined,
  extraDirs: readonly string[] = [],
): string | undefined {
  const dirs = [...(searchPath ?? "").split(path.delimiter).filter(Boolean), ...extraDirs];
  return dirs.map((dir) => path.join(dir, name)).find(isExecutable);
}
