#!/usr/bin/env node
// Compiles every schema in schemas/ into one CommonJS module of standalone ajv validators
// (dist/engine/schema/compiled.cjs), so commands validate files and frames without
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
const exportsMap = Object.fromEntries(ids.map((id, i) => [`v${i}`, id]));
// CommonJS: the generated code require()s ajv's runtime helpers and the formats.
let code = (standaloneCode.default ?? standaloneCode)(ajv, exportsMap);
code += `\nexports.byId = {${ids.map((id, i) => `${JSON.stringify(id)}: exports.v${i}`).join(", ")}};\n`;
const out = join(root, "dist", "engine", "schema", "compiled.cjs");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, code);
console.error(`schemas: ${ids.length} validators compiled`);
