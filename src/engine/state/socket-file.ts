// A host's socket file. Two hosts may have used the same path over time (an old one
// orphaned, a new one started for the same name), so a host removes a socket file only
// while it is still its own (same device and inode as the one it bound), and removes a
// leftover file at start only when nobody answers on it.
import { lstatSync, rmSync } from "node:fs";
import { connect } from "node:net";

export interface SocketIdentity {
  dev: number;
  ino: number;
}

export function socketIdentity(path: string): SocketIdentity | undefined {
  try {
    const s = lstatSync(path);
    return { dev: s.dev, ino: s.ino };
  } catch {
    return undefined;
  }
}

/** Removes the socket file only if it is still the one `own` describes. */
export function removeOwnSocket(path: string, own: SocketIdentity | undefined): boolean {
  const now = socketIdentity(path);
  if (!own || !now || now.dev !== own.dev || now.ino !== own.ino) return false;
  rmSync(path, { force: true });
  return true;
}

/** Clears a socket file left by a dead host; refuses one a live process listens on. */
export async function removeStaleSocket(path: string): Promise<void> {
  if (!socketIdentity(path)) return;
  const listening = await new Promise<boolean>((resolve) => {
    const s = connect(path);
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
  if (listening) throw new Error(`socket ${path} belongs to another live host of this instance; stop it first`);
  rmSync(path, { force: true });
}
