// The names through which a guard template (guard/template.ts builds it) and the
// splicer (splice.ts) meet: what the template exports and the module it imports the
// guest's own `_start` from. Kept here, beside the splicer that reads them, so the
// guard depends on the rewriter and never the other way round.

/** The template's replacement for the guest's `_start`. */
export const START_EXPORT = "__cr_start";
/** Each guard is exported as GUARD_EXPORT_PREFIX + the WASI function's name. */
export const GUARD_EXPORT_PREFIX = "guard_";
/** The import module that stands for the guest itself (its `_start`). */
export const TARGET_MODULE = "target";
