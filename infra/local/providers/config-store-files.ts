import * as fs from "node:fs";
import * as path from "node:path";

/** A parameter path: `/`-separated names of letters, digits, `_`, `.` and `-`; no `.` or `..`. */
const PARAMETER_PATH = /^(\/(?!\.\.?(\/|$))[A-Za-z0-9_.-]+)+$/;

/** Why a document key cannot be a file under the store; undefined when it can. */
export function parameterPathProblem(key: string): string | undefined {
  return PARAMETER_PATH.test(key)
    ? undefined
    : `${JSON.stringify(key)} must be a parameter path like /outpost-fleet/staging/us/app`;
}

export function documentFile(storeDir: string, key: string): string {
  return path.join(storeDir, ...key.split("/").filter((part) => part !== ""));
}

/** Writes atomically, so a reader never sees half a document. */
function writeFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}

/** Removes a file and the folders it leaves empty, up to (not including) the store. */
function removeFile(storeDir: string, file: string): void {
  fs.rmSync(file, { force: true });
  let dir = path.dirname(file);
  while (dir.startsWith(`${storeDir}${path.sep}`) && fs.readdirSync(dir).length === 0) {
    fs.rmdirSync(dir);
    dir = path.dirname(dir);
  }
}

/**
 * Makes the store hold exactly `documents`: writes the ones that are new or differ from
 * `previous`, and removes the ones `previous` had and `documents` no longer has.
 */
export function syncDocuments(
  storeDir: string,
  documents: Readonly<Record<string, string>>,
  previous: Readonly<Record<string, string>> = {},
): void {
  fs.mkdirSync(storeDir, { recursive: true });
  for (const [key, text] of Object.entries(documents)) {
    const file = documentFile(storeDir, key);
    if (previous[key] !== text || !fs.existsSync(file)) writeFile(file, text);
  }
  for (const key of Object.keys(previous)) {
    if (!(key in documents)) removeFile(storeDir, documentFile(storeDir, key));
  }
}

/** The documents of `keys` as they are on disk; missing files are left out. */
export function readDocuments(storeDir: string, keys: readonly string[]): Record<string, string> {
  const found: Record<string, string> = {};
  for (const key of keys) {
    try {
      found[key] = fs.readFileSync(documentFile(storeDir, key), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return found;
}
