// Locations inside the installed package (dist/engine/... -> package root).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export const ENGINE_VERSION: string = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")).version;

export const packagePath = (...parts: string[]) => join(PACKAGE_ROOT, ...parts);
