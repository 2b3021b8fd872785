// Where the authority keeps its files: <state>/authority/{signing-key.json, tokens.jsonl}.
import { join } from "node:path";
import { stateDir } from "../engine/state/state-dir.js";

export const authorityDir = (root = stateDir()) => join(root, "authority");
export const signingKeyPath = (root = stateDir()) => join(authorityDir(root), "signing-key.json");
export const registryPath = (root = stateDir()) => join(authorityDir(root), "tokens.jsonl");
