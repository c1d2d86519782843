/**
 * A throw-away certificate authority and a server certificate for some DNS names, made with
 * the openssl CLI in a temporary folder for one test run: real X.509 certificates, so a TLS
 * test checks names the way a client checks an ALB's ACM certificate. Nothing is committed.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface TestCertificates {
  /** PEM of the CA that signed `cert`: what a client must trust. */
  readonly ca: string;
  /** PEM of the server's certificate and key. */
  readonly cert: string;
  readonly key: string;
}

function openssl(cwd: string, args: string[]): void {
  try {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? "";
    throw new Error(`openssl ${args[0]} failed (is the openssl CLI installed?): ${stderr}`);
  }
}

/** A CA and a server certificate (ECDSA P-256, valid one day) whose SANs are `names`. */
export function makeTestCertificates(names: readonly string[]): TestCertificates {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-tls-"));
  try {
    const run = (args: string, ...more: string[]) => openssl(dir, [...args.split(" "), ...more]);
    run(
      "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -keyout ca.key -out ca.pem",
      "-subj",
      "/CN=test CA",
    );
    run(
      "req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr",
      "-subj",
      `/CN=${names[0]}`,
    );
    fs.writeFileSync(
      path.join(dir, "san.ext"),
      `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}\n`,
    );
    run(
      "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -extfile san.ext -out server.pem",
    );
    const read = (file: string) => fs.readFileSync(path.join(dir, file), "utf8");
    return { ca: read("ca.pem"), cert: read("server.pem"), key: read("server.key") };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
