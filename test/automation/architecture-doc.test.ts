// docs/architecture.md's hop tables stay checkable: every file a hop names exists, every
// function or class it names is defined in that hop's files, the hops are numbered without a
// gap, and the counts table says how many there are.
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../infra/config/stack-file";

const doc = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "architecture.md"), "utf8");

/** The rows of the table under the heading that starts with `heading`. */
function hopRows(heading: string): string[][] {
  const section = doc.slice(doc.indexOf(`### ${heading}`));
  const lines = section.split("\n").slice(1);
  const end = lines.findIndex((line) => line.startsWith("### "));
  return lines
    .slice(0, end === -1 ? undefined : end)
    .filter((line) => /^\| \d+ /.test(line))
    .map((line) =>
      line.split(" | ").map((cell) => cell.replace(/^\| /, "").replace(/ \|$/, "").trim()),
    );
}

const FILE = /^(?:bin\/[\w-]+|[\w./-]+\.(?:ts|go|yaml))$/;

/** A hop's files, resolved from the root, `automation/`, `infra/local/` or the file before. */
function filesOf(where: string): string[] {
  const files: string[] = [];
  for (const [, token] of where.matchAll(/`([^`]+)`/g)) {
    if (!FILE.test(token) || token.startsWith(".tools/")) continue;
    const before = files.at(-1);
    const bases = ["", "automation", "infra/local", ...(before ? [path.dirname(before)] : [])];
    const found = bases
      .map((base) => path.join(base, token))
      .find((file) => fs.existsSync(path.join(PROJECT_ROOT, file)));
    expect(found, `${token} (in "${where.slice(0, 60)}...")`).to.be.a("string");
    files.push(found!);
  }
  return files;
}

const AWS = hopRows("On AWS");
const LOCAL = hopRows("On the local target");

describe("docs/architecture.md", () => {
  it("numbers the hops without a gap: AWS from 1, the local target on from the shared ones", () => {
    expect(AWS.map((row) => Number(row[0]))).to.deep.equal(AWS.map((_, i) => i + 1));
    const shared = Number(/Hops 1 to (\d+) are the same/.exec(doc)?.[1]);
    expect(LOCAL.map((row) => Number(row[0]))).to.deep.equal(LOCAL.map((_, i) => shared + 1 + i));
  });

  it("counts what the tables list", () => {
    const row = (label: string) =>
      doc
        .split("\n")
        .find((line) => line.startsWith(`| ${label}`))
        ?.split("|")
        .map((cell) => cell.trim());
    expect(Number(row("AWS, every hop")?.at(-2))).to.equal(AWS.length);
    expect(Number(row("local target, every hop")?.at(-2))).to.equal(Number(LOCAL.at(-1)?.[0]));
  });

  it("names only files that exist, and functions and classes defined in them", () => {
    for (const [number, , where] of [...AWS, ...LOCAL]) {
      const files = filesOf(where);
      const code = files
        .filter((file) => /\.(ts|go)$/.test(file))
        .map((file) => fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8"))
        .join("\n");
      if (code === "") continue;
      for (const [, name] of where.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)) {
        expect(code, `hop ${number}: ${name}`).to.match(new RegExp(`\\b${name}\\b`));
      }
    }
  });
});
