import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export interface StaticAsset {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

const ASSET_DIR = path.join(__dirname, "assets");

/** The page's script and stylesheet, by URL path; everything the page loads comes from here. */
export const ASSET_PATHS = {
  script: "/assets/live-view.js",
  style: "/assets/live-view.css",
} as const;

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

export function loadAssets(): ReadonlyMap<string, StaticAsset> {
  const assets = new Map<string, StaticAsset>();
  for (const urlPath of Object.values(ASSET_PATHS)) {
    const body = fs.readFileSync(path.join(ASSET_DIR, path.basename(urlPath)));
    assets.set(urlPath, {
      body,
      contentType: CONTENT_TYPES[path.extname(urlPath)],
      etag: `"${createHash("sha256").update(body).digest("hex").slice(0, 16)}"`,
    });
  }
  return assets;
}
