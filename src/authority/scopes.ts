// The capability scopes a token can grant, one per kind of enclave operation.
export const SCOPES = ["enclave:read", "enclave:start", "enclave:exec", "enclave:stop", "enclave:probe", "enclave:audit", "enclave:files"] as const;

export type Scope = (typeof SCOPES)[number];

export function isScope(s: string): s is Scope {
  return (SCOPES as readonly string[]).includes(s);
}
