#!/usr/bin/env node
// Compiles every schema in schemas/ into standalone ajv validators
// (dist/engine/schema/compiled/), so commands validate files and frames without
// loading or compiling ajv at run time. Same schemas, same strict options.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { _, Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import standaloneCode from "ajv/dist/standalone/index.js";
import { addAllSchemas } from "../dist/engine/schema/validator.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ajv = new Ajv({ allErrors: true, strict: true, code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } });
(addFormatsModule.default ?? addFormatsModule)(ajv);
const ids = addAllSchemas(ajv);
// One CommonJS file per schema (with whatever it references), so a command loads only
// the validators it uses; they require() ajv's small runtime helpers and the formats.
const dir = join(root, "dist", "engine", "schema", "compiled");
mkdirSync(dir, { recursive: true });
const index = {};
ids.forEach((id, i) => {
  const file = `v${i}.cjs`;
  writeFileSync(join(dir, file), (standaloneCode.default ?? standaloneCode)(ajv, { validate: id }));
  index[id] = file;
});
writeFileSync(join(dir, "index.json"), JSON.stringify(index, null, 2) + "\n");
console.error(`schemas: ${ids.length} validators compiled`);
