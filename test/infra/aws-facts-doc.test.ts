/**
 * docs/aws-facts.md stays true to the code: every file it points to exists, and every name it
 * says encodes a fact is still defined in the program or the pack.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../infra/config/stack-file";

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(relative);
    return entry.name.endsWith(".ts") ? [relative] : [];
  });
}

describe("docs/aws-facts.md", () => {
  const doc = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "aws-facts.md"), "utf8");
  const rows = doc
    .split("\n")
    .filter((line) => /^\| [^-]/.test(line) && !line.startsWith("| fact"));
  const code = [...sources("infra"), ...sources("policies")]
    .map((file) => fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8"))
    .join("\n");

  it("names only files that exist", () => {
    const files = [...doc.matchAll(/`((?:infra|policies|test)\/[^`]+\.ts)`/g)].map((m) => m[1]);
    expect(files.length).to.be.greaterThan(20);
    for (const file of files)
      expect(fs.existsSync(path.join(PROJECT_ROOT, file)), file).to.equal(true);
  });

  it("names only symbols the code defines, and cites an AWS page on every row", () => {
    for (const row of rows) {
      const [, where, page] = row.split(" | ");
      for (const [, name] of where.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)) {
        expect(code, `${name} (${row.slice(0, 60)}...)`).to.match(new RegExp(`\\b${name}\\b`));
      }
      expect(page, row.slice(0, 60)).to.match(
        /https:\/\/(docs\.)?aws\.amazon\.com\/|User Guide|same page/,
      );
    }
  });
});
