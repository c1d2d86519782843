import type { Argv } from "yargs";
import type { ApprovalPolicy } from "../progress/approval-wait";
import type { FleetStore } from "../store/fleet-store";
import { currentActor } from "../journal/journal-store";
import type { Logger } from "../support/logger";
import { invalidValue } from "../support/user-error";
import { newActionToken } from "../ui/action-token";
import { LiveServer } from "../ui/live-server";
import type { CliIo } from "./cli-io";
import type { DriverLauncher } from "../operations/operator-actions";

/** The live view's flags, shared by `ui` and `deploy --ui`. */
export function withLiveViewOptions<T>(yargs: Argv<T>) {
  return yargs
    .option("port", {
      type: "number",
      default: 8090,
      describe: "Port of the live view (0 picks a free one)",
    })
    .option("host", {
      type: "string",
      default: "127.0.0.1",
      describe: "Address the live view listens on (anything but loopback exposes it)",
    })
    .option("allow-actions", {
      type: "boolean",
      default: false,
      describe: "Offer pause, resume, promote and abort on the page, guarded by a printed token",
    })
    .option("poll-ms", {
      type: "number",
      default: 500,
      describe: "How often the live view reads the journal while a page is open",
    });
}

export interface LiveViewArgs {
  readonly port: number;
  readonly host: string;
  readonly "allow-actions": boolean;
  readonly "poll-ms": number;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export function validateLiveViewArgs(args: LiveViewArgs): void {
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)
    throw invalidValue("--port", args.port, "must be a port number from 0 to 65535");
  if (!Number.isFinite(args["poll-ms"]) || args["poll-ms"] < 50 || args["poll-ms"] > 60_000)
    throw invalidValue("--poll-ms", args["poll-ms"], "must be from 50 to 60000 milliseconds");
  if (args.host.trim() === "") throw invalidValue("--host", args.host, "must be an address");
}

export interface LiveViewSession {
  readonly server: LiveServer;
  readonly url: string;
}

/**
 * Starts the live view and says where it is (and the actions token, when actions are on) on
 * stderr, or as log lines with --json.
 */
export async function startLiveView(options: {
  readonly io: CliIo;
  readonly args: LiveViewArgs;
  readonly store: FleetStore;
  readonly release: string | undefined;
  readonly approval: ApprovalPolicy;
  readonly launch: DriverLauncher;
  readonly log: Logger;
}): Promise<LiveViewSession> {
  const { args, log } = options;
  validateLiveViewArgs(args);
  const token = args["allow-actions"] ? newActionToken() : undefined;
  const server = new LiveServer({
    store: options.store,
    release: options.release,
    host: args.host,
    port: args.port,
    pollMs: args["poll-ms"],
    approval: options.approval,
    actions: token
      ? { token, actor: currentActor(options.io.env), launch: options.launch }
      : undefined,
    log,
  });
  const url = await server.start();
  const what = options.release ? `release ${options.release}` : "the running or latest release";
  log.info({ url }, `live view of ${what}: ${url}`);
  if (!LOOPBACK.has(args.host))
    log.warn(`the live view listens on ${args.host}: anyone who can reach it can watch`);
  if (token) {
    log.info(
      `operator actions are on; token: ${token} (or open ${url}#token=${token}; it changes at every start)`,
    );
  }
  return { server, url };
}
