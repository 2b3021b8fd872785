// Module admission: everything that can be decided from the bytes before any guest
// code runs. Each refusal is one line naming the module and the offending part.
import { EngineError } from "../errors.js";
import { PREVIEW1_SIGNATURES, WASI_MODULE } from "../rewrite/wasi-preview1.js";
import { definedMemories } from "./wasm-sections.js";

export interface AdmissionReport {
  wasiImports: string[];
  initialPages: number;
  declaredMaxPages?: number;
}

const refuse = (label: string, why: string) => new EngineError("MODULE_REJECTED", `${label}: ${why}`);

export function admitModule(bytes: Uint8Array, label: string, memoryPages: number): AdmissionReport {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw refuse(label, "not a WebAssembly module (bad magic bytes)");
  }
  const version = bytes[4] | (bytes[5] << 8);
  if (version !== 1) {
    const kind = bytes[6] === 1 ? "a WebAssembly component, not a core module" : `unsupported binary version ${version}`;
    throw refuse(label, kind);
  }
  let mod: WebAssembly.Module;
  try {
    mod = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw refuse(label, `invalid WebAssembly module: ${(e as Error).message.replace(/^WebAssembly\.Module\(\): /, "")}`);
  }
  const wasiImports: string[] = [];
  for (const imp of WebAssembly.Module.imports(mod)) {
    const name = `${imp.module}.${imp.name}`;
    if (imp.kind !== "function") throw refuse(label, `imports a ${imp.kind} (${name}); only WASI functions are admitted`);
    if (imp.module.startsWith("wasix")) throw refuse(label, `imports ${name}: WASIX calls (processes, threads, sockets) are not admitted`);
    if (imp.module !== WASI_MODULE) throw refuse(label, `imports ${name}: unknown namespace ${imp.module}; only ${WASI_MODULE} is admitted`);
    if (!(imp.name in PREVIEW1_SIGNATURES)) throw refuse(label, `imports ${name}: not a ${WASI_MODULE} function`);
    wasiImports.push(imp.name);
  }
  const exports = WebAssembly.Module.exports(mod);
  if (!exports.some((e) => e.name === "_start" && e.kind === "function")) {
    throw refuse(label, "exports no _start function: a reactor or library, not a WASI command module");
  }
  const mem = checkMemory(bytes, label, memoryPages);
  return { wasiImports, initialPages: mem.initial, declaredMaxPages: mem.maximum };
}

/** The memory rules alone: enough for bytes already admitted once (a cache hit),
 *  since only the cap can differ between starts. */
export function checkMemory(bytes: Uint8Array, label: string, memoryPages: number) {
  const memories = definedMemories(bytes);
  if (memories.length !== 1) throw refuse(label, `defines ${memories.length} memories; exactly one is admitted`);
  const [mem] = memories;
  if (mem.shared) throw refuse(label, "uses shared memory: threads are not admitted");
  if (mem.initial > memoryPages) {
    throw refuse(label, `needs ${mem.initial} initial memory pages, more than the cap of ${memoryPages} pages`);
  }
  return mem;
}
