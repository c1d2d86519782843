import pino from "pino";
import pretty from "pino-pretty";
import { Writable } from "node:stream";

export type Logger = pino.Logger;

/** Never log these, whatever a caller passes in a log object. */
const REDACT = [
  "kubeconfig",
  "*.kubeconfig",
  "kubeconfigs",
  "passphrase",
  "*.passphrase",
  "env.PULUMI_CONFIG_PASSPHRASE",
  "secret",
  "*.secret",
];

export interface LoggerOptions {
  /** JSON lines (CI, --json) instead of readable lines. */
  readonly json: boolean;
  readonly level?: string;
  /** Where lines go; default stderr for readable output, stdout for JSON lines. */
  readonly destination?: { write(text: string): unknown };
}

/**
 * The driver's logger: leveled, with region/stack/outpost/color fields on child loggers.
 * Readable (pino-pretty, synchronous) on a terminal, JSON lines in CI or with --json.
 */
export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level ?? process.env.OUTPOST_FLEET_LOG_LEVEL ?? "info",
    redact: { paths: REDACT, censor: "[secret]" },
    base: undefined,
  };
  if (options.json) {
    return pino(base, (options.destination ?? process.stdout) as pino.DestinationStream);
  }
  const stream = pretty({
    colorize: process.stderr.isTTY === true && options.destination === undefined,
    sync: true,
    translateTime: "HH:MM:ss",
    // One line per event: where (region, stack/outpost) in front of the message.
    messageFormat: (record, messageKey) => `${where(record)}${String(record[messageKey] ?? "")}`,
    ignore:
      "pid,hostname,event,seq,region,stack,outpost,batch,stages,scope,phase,by,release,attempt",
    destination: asStream(options.destination ?? process.stderr),
  });
  return pino(base, stream);
}

/** "[us] us/nyc-dc1: " from the region/stack/outpost fields of a record, if any. */
function where(record: Record<string, unknown>): string {
  const region = typeof record.region === "string" ? `[${record.region}] ` : "";
  const stack = typeof record.stack === "string" ? record.stack : "";
  const outpost = typeof record.outpost === "string" ? `/${record.outpost}` : "";
  return `${region}${stack || outpost ? `${stack}${outpost}: ` : ""}`;
}

/** pino-pretty wants a real stream; tests hand in anything with write(). */
function asStream(destination: { write(text: string): unknown }): NodeJS.WritableStream {
  if (destination instanceof Writable) return destination;
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      destination.write(chunk.toString());
      done();
    },
  });
}

export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
