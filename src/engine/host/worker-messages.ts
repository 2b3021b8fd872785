// Messages between the supervisor and its worker (Node IPC, advanced serialization).
import type { ExecRequestArgs, ExecResponseBody, Violation } from "../protocol/messages.js";
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
  | { t: "drain"; id: number }
  | { t: "snapshot" };

export type FromWorker =
  | { t: "alive" }
  | { t: "ready" }
  | { t: "boot-failed"; message: string }
  | { t: "output"; id: number; stream: "stdout" | "stderr"; data: Uint8Array }
  | { t: "violations"; id: number; records: Violation[] }
  | { t: "drained"; id: number }
  | { t: "result"; id: number; body: WorkerOutcome }
  | { t: "error"; id: number; message: string }
  | { t: "snapshot"; entries: WorkspaceEntry[] };

/** How the guest ended, as the worker saw it; the supervisor adds the violations it
 *  received on the way (they may outlive this worker) and decides the verdict. */
export interface WorkerOutcome extends Omit<ExecResponseBody, "violations" | "violationsDropped" | "notice" | "reason"> {
  reason: "exited" | "timeout" | "killed" | "trapped";
  /** The worker stopped the guest because the host's memory grew past its bound;
   *  restoring the workspace would only bring the problem back. */
  memoryExceeded?: boolean;
  /** The sandbox cannot run commands any more (a module failed while instantiated). */
  workerBroken?: boolean;
  /** Nothing ran: the exec's workdir is no directory of the enclave (message says which). */
  workdirMissing?: boolean;
}
