/**
 * Pulumi records a stack trace for every promise it creates (for its leak report), and ts-node's
 * source-map support makes each of those cost about a millisecond: two thirds of the time of a
 * mocked stack. Those traces are only printed in a promise-leak report, so they are left empty;
 * every other error keeps its mapped stack.
 */
const mapped = Error.prepareStackTrace;

Error.prepareStackTrace = (error, frames) => {
  const fromPulumiBookkeeping =
    frames[0]?.getFileName()?.endsWith("runtime/debuggable.js") ?? false;
  if (fromPulumiBookkeeping) return String(error);
  return mapped ? mapped(error, frames) : `${String(error)}\n    at ${frames.join("\n    at ")}`;
};
