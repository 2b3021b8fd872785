// The authority's Ed25519 key pair: created once by `authority init`, kept in one
// 0600 file, read by `issue` (private half) and by the daemon on every request
// (public half, re-read when the file changes so a new key takes effect at once).
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, statSync } from "node:fs";
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from "jose";
import { schemaErrors } from "../engine/schema/validator.js";
import { writeFileAtomic } from "../engine/state/atomic-file.js";
import { ensureDir } from "../engine/state/state-dir.js";
import { EngineError } from "../engine/errors.js";
import { authorityDir, signingKeyPath } from "./paths.js";

export interface SigningKeyFile {
  version: 1;
  kid: string;
  alg: "EdDSA";
  createdAt: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export interface InitResult {
  keyFile: string;
  kid: string;
  createdAt: string;
  replaced: boolean;
}

export async function initAuthority(opts: { force?: boolean } = {}): Promise<InitResult> {
  const file = signingKeyPath();
  const replaced = existsSync(file);
  if (replaced && !opts.force) {
    throw new EngineError("AUTHORITY_KEY_EXISTS", `an authority key already exists at ${file}; tokens it signed stay valid until it is replaced`, {
      suggestions: ["pass --force to replace it: coreason-server authority init --force (every token issued so far stops verifying)"],
    });
  }
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const doc: SigningKeyFile = {
    version: 1,
    kid: randomBytes(12).toString("base64url"),
    alg: "EdDSA",
    createdAt: new Date().toISOString(),
    privateJwk: pick(await exportJWK(privateKey), ["kty", "crv", "x", "d"]),
    publicJwk: pick(await exportJWK(publicKey), ["kty", "crv", "x"]),
  };
  ensureDir(authorityDir());
  writeFileAtomic(file, JSON.stringify(doc, null, 2) + "\n", 0o600);
  chmodSync(file, 0o600); // rename keeps the temp file's mode, but a umask may have narrowed it oddly
  return { keyFile: file, kid: doc.kid, createdAt: doc.createdAt, replaced };
}

function pick(jwk: JWK, keys: (keyof JWK)[]): JWK {
  return Object.fromEntries(keys.map((k) => [k, jwk[k]])) as JWK;
}

/** The key file, validated; EngineError when missing or unusable. */
export function readKeyFile(): SigningKeyFile {
  const file = signingKeyPath();
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      throw new EngineError("AUTHORITY_KEY_MISSING", `no authority key at ${file}`, { suggestions: ["create one with coreason-server authority init"] });
    }
    throw new EngineError("AUTHORITY_UNREADABLE", `authority key ${file} is unreadable: ${(e as NodeJS.ErrnoException).code}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new EngineError("AUTHORITY_CORRUPT", `authority key ${file} is corrupt (not valid JSON)`, {
      suggestions: ["replace it with coreason-server authority init --force (tokens issued with the old key stop working)"],
    });
  }
  const errors = schemaErrors("authority/signing-key.json", data);
  if (errors.length)
    throw new EngineError("AUTHORITY_CORRUPT", `authority key ${file} is corrupt (${errors.join("; ")})`, {
      suggestions: ["replace it with coreason-server authority init --force (tokens issued with the old key stop working)"],
    });
  return data as SigningKeyFile;
}

export async function signingKey(): Promise<{ key: CryptoKey; kid: string }> {
  const file = readKeyFile();
  return { key: (await importJWK(file.privateJwk, "EdDSA")) as CryptoKey, kid: file.kid };
}

let cached: { stamp: string; key: CryptoKey; kid: string } | undefined;

/** The public key, re-imported only when the key file changed (checked per call). */
export async function verifyKey(): Promise<{ key: CryptoKey; kid: string }> {
  let stamp: string;
  try {
    const s = statSync(signingKeyPath());
    stamp = `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    cached = undefined;
    readKeyFile(); // throws the "no authority key" error
    throw new Error("unreachable");
  }
  if (cached?.stamp !== stamp) {
    const file = readKeyFile();
    cached = { stamp, key: (await importJWK(file.publicJwk, "EdDSA")) as CryptoKey, kid: file.kid };
  }
  return cached;
}
