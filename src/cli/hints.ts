// How the CLI spells an engine hint: each suggested action as the whole command line a
// user can paste.
import type { Action, Hint } from "../engine/errors.js";

/** How the CLI spells the diagnostics topic. */
export const DIAGNOSTICS = "coreason-server sys-diagnostics";

export function commandLine(a: Action): string {
  switch (a.do) {
    case "start":
      return `${DIAGNOSTICS} sandbox-start --enclave ${a.definition}${a.name && a.name !== a.definition ? ` --name ${a.name}` : ""}`;
    case "stop":
      return `${DIAGNOSTICS} sandbox-stop --enclave ${a.name}`;
    case "list":
      return `${DIAGNOSTICS} sandbox-list`;
    case "definitions":
      return `${DIAGNOSTICS} sandbox-definitions`;
  }
}

export function renderHint(h: Hint): string {
  return typeof h === "string" ? h : h.map((p) => (typeof p === "string" ? p : commandLine(p))).join("");
}
