// Messages between the supervisor and its worker (Node IPC, advanced serialization).
import type { ExecRequestArgs, ExecResponseBody } from "../protocol/messages.js";
import type { LaunchConfig } from "./launch-config.js";

export interface WorkspaceEntry {
  path: string;
  kind: "file" | "directory";
  data?: Uint8Array;
}

export type ToWorker =
  | { t: "boot"; launch: LaunchConfig; snapshot?: WorkspaceEntry[] }
  | { t: "exec"; id: number; args: ExecRequestArgs }
  | { t: "stdin"; id: number; data?: Uint8Array; eof?: boolean }
  | { t: "kill"; id: number }
  | { t: "snapshot" };

export type FromWorker =
  | { t: "alive" }
  | { t: "ready" }
  | { t: "boot-failed"; message: string }
  | { t: "output"; id: number; stream: "stdout" | "stderr"; data: Uint8Array }
  | { t: "result"; id: number; body: ExecResponseBody }
  | { t: "error"; id: number; message: string }
  | { t: "snapshot"; entries: WorkspaceEntry[] };
