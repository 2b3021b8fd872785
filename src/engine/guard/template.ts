// The guard as a small standalone module, generated once per guard configuration with
// binaryen: guards for every guardable WASI function (exported as guard_<name>), the
// `_start` wrapper (__cr_start), and their helpers. It imports the raw WASI functions,
// the guest's memory, its stack-pointer global and its `_start`; splice.ts maps those
// onto the guest module.
import { binaryen, loadBinaryen } from "./binaryen.js";
import { emitExitGuard } from "./exit-guard.js";
import type { GuardConfig } from "../policy/guard-config.js";
import { GuardEmitter } from "./emitter.js";
import { GUARD_RUNTIME_IMPORTS, GuardMutation, RAW_PREFIX } from "./names.js";
import { STACK_FLOOR } from "../rewrite/stack-layout.js";
import { GUARD_EXPORT_PREFIX, START_EXPORT, TARGET_MODULE } from "../rewrite/template-abi.js";
import { GUARDED_FUNCTIONS, LINK_FOLLOWING_GUARDS, NO_RESULT, PREVIEW1_SIGNATURES, WASI_MODULE } from "../rewrite/wasi-preview1.js";

const typeOf = (letters: string) => binaryen.createType(Array.from(letters, (c) => (c === "I" ? binaryen.i64 : binaryen.i32)));

/** Test hooks (engine API only): `mutation` breaks one guard rule (see GuardMutation). */
export interface GuardTemplateHooks {
  mutation?: GuardMutation;
}

export async function buildGuardTemplate(guard: GuardConfig, hooks: GuardTemplateHooks = {}): Promise<Uint8Array> {
  await loadBinaryen();
  const m = new binaryen.Module();
  try {
    m.setFeatures(binaryen.Features.MVP | binaryen.Features.MutableGlobals | binaryen.Features.SignExt | binaryen.Features.BulkMemory);
    m.setMemory(1, -1, null, [], false, false, "mem");
    m.addMemoryImport("mem", "env", "memory");
    m.addGlobalImport("__stack_pointer", "env", "__stack_pointer", binaryen.i32, true);
    m.addGlobalImport(STACK_FLOOR, "env", STACK_FLOOR, binaryen.i32, false);
    m.addFunctionImport("target_start", TARGET_MODULE, "_start", binaryen.none, binaryen.none);
    const emitter = new GuardEmitter(m, guard, "__stack_pointer", STACK_FLOOR, hooks.mutation);
    const names = GUARDED_FUNCTIONS.filter((n) => n === "proc_exit" || emitter.guards(n));
    for (const name of new Set([...names, ...GUARD_RUNTIME_IMPORTS])) {
      m.addFunctionImport(RAW_PREFIX + name, WASI_MODULE, name, typeOf(PREVIEW1_SIGNATURES[name]), NO_RESULT.has(name) ? binaryen.none : binaryen.i32);
    }
    emitter.emitRuntime();
    for (const name of names) {
      const params = Array.from(PREVIEW1_SIGNATURES[name], (c) => (c === "I" ? binaryen.i64 : binaryen.i32));
      const guardName = GUARD_EXPORT_PREFIX + name;
      if (name === "proc_exit") emitExitGuard(m, guardName, RAW_PREFIX + name);
      else emitter.emitGuard(name, guardName, params);
      m.addFunctionExport(guardName, guardName);
    }
    emitter.linkFollowing = false;
    for (const name of LINK_FOLLOWING_GUARDS) {
      const params = Array.from(PREVIEW1_SIGNATURES[name], (c) => (c === "I" ? binaryen.i64 : binaryen.i32));
      emitter.emitGuard(name, `guardlite_${name}`, params);
      m.addFunctionExport(`guardlite_${name}`, `guardlite_${name}`);
    }
    m.addFunctionExport(emitter.wrapStart("target_start"), START_EXPORT);
    if (!m.validate()) throw new Error("guard template failed validation");
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}
