import * as readline from "node:readline/promises";
import type { CliIo } from "./cli-io";

/** Asks yes/no on the terminal; anything but y/yes is a no. */
export function terminalPrompt(io: CliIo): (question: string) => Promise<boolean> {
  return async (question) => {
    const rl = readline.createInterface({
      input: io.stdin,
      output: io.stderr as NodeJS.WritableStream,
    });
    try {
      const answer = await rl.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  };
}
