// Revocation: append to the registry; the daemon sees it on its next request.
import { EngineError } from "../engine/errors.js";
import { readRegistry, recordRevoked, TokenRecord } from "./registry.js";

export interface RevokeResult {
  id: string;
  revoked: true;
  revokedAt: string;
  alreadyRevoked: boolean;
}

export function revokeToken(id: string): RevokeResult {
  const record: TokenRecord | undefined = readRegistry().get(id);
  if (!record)
    throw new EngineError("TOKEN_UNKNOWN", `no token with id '${id}' in the registry`, {
      suggestions: ["list issued tokens with coreason-server authority list"],
    });
  if (record.revoked) return { id, revoked: true, revokedAt: record.revokedAt!, alreadyRevoked: true };
  const at = new Date();
  recordRevoked(id, at);
  return { id, revoked: true, revokedAt: at.toISOString(), alreadyRevoked: false };
}
