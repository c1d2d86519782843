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
    ignore: "pid,hostname",
    destination: asStream(options.destination ?? process.stderr),
  });
  return pino(base, stream);
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
