import * as net from "node:net";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers that HAProxy's CLI gives for a command it refused. */
const REFUSALS = [
  /^No such /m,
  /^Unknown command/m,
  /^Require /m,
  /^Invalid /m,
  /^Permission denied/m,
];

function sendOnce(socketPath: string, command: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = "";
    const socket = net.connect(socketPath);
    socket.setEncoding("utf8");
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`no answer within ${timeoutMs} ms`)),
    );
    socket.on("connect", () => socket.end(`${command}\n`));
    socket.on("data", (chunk: string) => (answer += chunk));
    socket.on("error", reject);
    socket.on("close", (hadError) => {
      if (!hadError) resolve(answer);
    });
  });
}

/**
 * Runs commands on HAProxy's runtime API (stats socket, non-interactive: one line, commands
 * separated by `;`, HAProxy answers and closes). Retries while the socket is missing or
 * refusing, which is normal for a moment during start and reload. Throws when HAProxy refuses
 * a command, quoting its answer.
 */
export async function runtimeCommand(
  socketPath: string,
  commands: string | readonly string[],
  timeoutMs = 5_000,
): Promise<string> {
  const line = typeof commands === "string" ? commands : commands.join("; ");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const answer = await sendOnce(socketPath, line, Math.max(500, deadline - Date.now()));
      if (REFUSALS.some((refusal) => refusal.test(answer))) {
        throw new Error(`HAProxy refused "${line}": ${answer.trim()}`);
      }
      return answer;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const transient = code === "ENOENT" || code === "ECONNREFUSED" || code === "ECONNRESET";
      if (!transient || Date.now() >= deadline) throw error;
      await sleep(25);
    }
  }
}
