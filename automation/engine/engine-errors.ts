/** Classifies engine failures by their CLI message: which are worth a retry, and how. */

/** Another update holds the stack (service 409, or the file backend's lock). */
export function isConcurrentUpdate(err: unknown): boolean {
  const text = errorText(err);
  return (
    (err instanceof Error && err.name === "ConcurrentUpdateError") ||
    text.includes("Another update is currently in progress") ||
    text.includes("the stack is currently locked by") ||
    text.includes("another update is currently in progress")
  );
}

export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const stderr = (err as Error & { commandResult?: { stderr?: string } }).commandResult?.stderr;
    return `${err.message}\n${stderr ?? ""}`;
  }
  return String(err);
}

/** The useful line of a CLI failure: the first "error:" line, else the first line. */
export function shortEngineMessage(err: unknown): string {
  const text = errorText(err);
  const line =
    text.split("\n").find((l) => /^\s*error:/.test(l)) ??
    text.split("\n").find((l) => l.trim() !== "");
  return (line ?? "engine failure").trim().slice(0, 500);
}
