// How a command shows progress: listr2 tasks on a terminal, plain lines otherwise. A
// terminal that reports 0 columns (some CI pseudo-terminals) cannot hold a task list,
// so it gets the plain lines too.
export type ProgressMode = "tty" | "plain" | "silent";

export function progressMode(json: boolean, stream: { isTTY?: boolean; columns?: number } = process.stderr): ProgressMode {
  if (json) return "silent";
  return stream.isTTY && (stream.columns ?? 0) > 0 ? "tty" : "plain";
}
