// One line per request on stderr: plain text, or JSON with --json-logs. Never the
// token or the body; the subject and token id say who asked.
export interface LogEntry {
  time: string;
  level: "info" | "warn" | "error";
  msg: string;
  [key: string]: unknown;
}

export type LogSink = (entry: LogEntry) => void;

export function stderrLog(json: boolean): LogSink {
  return (e) => process.stderr.write(json ? JSON.stringify(e) + "\n" : plain(e) + "\n");
}

function plain(e: LogEntry): string {
  if (e.msg === "request") {
    const who = e.subject ? ` sub=${e.subject} token=${e.tokenId}` : "";
    return `${e.time} ${e.method} ${e.url} ${e.status} ${e.ms}ms${who}${e.error ? ` ${e.error}` : ""}`;
  }
  const rest = Object.entries(e)
    .filter(([k]) => !["time", "level", "msg"].includes(k))
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  return [e.time, e.level === "info" ? "" : e.level.toUpperCase(), e.msg, ...rest].filter(Boolean).join(" ");
}
