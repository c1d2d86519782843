"use strict";
/**
 * Starts app/server.ts without ts-node: ts-node costs ~0.4 s and most of a core per process,
 * which a pool of processes on a laptop pays many times over. The .ts sources are transpiled
 * once with TypeScript's transpileModule into a cache keyed by their content hash; later starts
 * only load plain JavaScript. Writers race safely: each builds in its own folder and renames.
 *
 * Usage: node app/launch.js [--port 0 --version 1.2.3 ...]   (same flags/env as server.ts)
 */
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const SOURCE_DIR = __dirname;
const CACHE_ROOT =
  process.env.APP_BUILD_CACHE || path.join(SOURCE_DIR, "..", ".pulumi-local", "app-build");

function sources() {
  return fs
    .readdirSync(SOURCE_DIR)
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
    .sort();
}

function buildDir(files) {
  const hash = crypto.createHash("sha256");
  for (const file of files)
    hash
      .update(file)
      .update("\0")
      .update(fs.readFileSync(path.join(SOURCE_DIR, file)));
  return path.join(CACHE_ROOT, hash.digest("hex").slice(0, 16));
}

function build(files, target) {
  const ts = require("typescript");
  const staging = `${target}.${process.pid}.tmp`;
  fs.mkdirSync(staging, { recursive: true });
  for (const file of files) {
    const { outputText } = ts.transpileModule(
      fs.readFileSync(path.join(SOURCE_DIR, file), "utf8"),
      {
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
        },
        fileName: file,
      },
    );
    fs.writeFileSync(path.join(staging, file.replace(/\.ts$/, ".js")), outputText);
  }
  try {
    fs.renameSync(staging, target);
  } catch (error) {
    // Another process finished first; its build is identical.
    fs.rmSync(staging, { recursive: true, force: true });
    if (!fs.existsSync(target)) throw error;
  }
}

const files = sources();
const target = buildDir(files);
if (!fs.existsSync(path.join(target, "server.js"))) build(files, target);
require(path.join(target, "server.js"))
  .main()
  .catch((error) => {
    process.stderr.write(`${error && error.message ? error.message : String(error)}\n`);
    process.exit(2);
  });
