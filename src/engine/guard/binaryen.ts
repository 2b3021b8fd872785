// binaryen, the guard's IR builder, behind an asynchronous boundary: it is an ES module
// with top-level await (10 MB of JS), loaded by one dynamic import() the first time a
// guard template is built (buildGuardTemplate awaits loadBinaryen), never at startup.
// The hot commands' CommonJS bundle (scripts/build-fast-path.mjs) keeps this import()
// a real one, so the bundle's own engine modules build the template: one copy of each.
// Until loaded, the bindings below are undefined; they are live, so importers read them.
import type Binaryen from "binaryen";

export let binaryen: typeof Binaryen;
// eslint-disable-next-line @typescript-eslint/no-namespace -- the IR's types under the same name as the value
export declare namespace binaryen {
  type Module = Binaryen.Module;
  type ExpressionRef = Binaryen.ExpressionRef;
}
export let i32: number, i64: number, none: number;

export async function loadBinaryen(): Promise<void> {
  binaryen ??= (await import("binaryen")).default;
  ({ i32, i64, none } = binaryen);
}
