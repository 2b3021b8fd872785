// A thin layer over binaryen's expression builders: functions with named locals and
// a few byte-level helpers. Keeps the guard code in the guard readable.
import { binaryen, i32, i64, none } from "./binaryen.js";

export type Expr = number;
export { i32, i64, none };

/** Parameters that are all i32 (addresses, lengths, descriptors: nearly every helper's). */
export const i32Params = (...names: string[]): [string, number][] => names.map((n) => [n, i32]);

export class FnBuilder {
  private readonly names = new Map<string, { index: number; type: number }>();
  private readonly vars: number[] = [];
  private labelSeq = 0;

  constructor(
    readonly m: binaryen.Module,
    readonly name: string,
    private readonly params: [string, number][],
    readonly result: number,
  ) {
    params.forEach(([n, t], index) => this.names.set(n, { index, type: t }));
  }

  /** Declare (once) and return a local's name, for readability at call sites. */
  local(name: string, type: number = i32): string {
    if (!this.names.has(name)) {
      this.names.set(name, { index: this.params.length + this.vars.length, type });
      this.vars.push(type);
    }
    return name;
  }

  get(name: string): Expr {
    const l = this.lookup(name);
    return this.m.local.get(l.index, l.type);
  }

  set(name: string, value: Expr): Expr {
    return this.m.local.set(this.lookup(this.local(name)).index, value);
  }

  label(prefix: string): string {
    return `${prefix}$${this.labelSeq++}`;
  }

  /** `while (cond) body` as block+loop. */
  whileLoop(cond: () => Expr, body: (brk: string) => Expr[]): Expr {
    const brk = this.label("brk");
    const top = this.label("top");
    const m = this.m;
    return m.block(brk, [m.loop(top, m.block(null, [m.br(brk, m.i32.eqz(cond())), ...body(brk), m.br(top)]))]);
  }

  finish(body: Expr[]): void {
    const m = this.m;
    m.addFunction(this.name, binaryen.createType(this.params.map(([, t]) => t)), this.result, this.vars, m.block(null, body, this.result));
  }

  private lookup(name: string) {
    const l = this.names.get(name);
    if (!l) throw new Error(`guard builder: unknown local ${name} in ${this.name}`);
    return l;
  }
}

/** i32 expression: bytes at ptr equal the constant string (no bounds check). */
export function bytesEqual(m: binaryen.Module, ptr: () => Expr, text: Uint8Array, offset = 0): Expr {
  const parts: Expr[] = [];
  let k = 0;
  for (; k + 8 <= text.length; k += 8) {
    const lo = text[k] | (text[k + 1] << 8) | (text[k + 2] << 16) | (text[k + 3] << 24);
    const hi = text[k + 4] | (text[k + 5] << 8) | (text[k + 6] << 16) | (text[k + 7] << 24);
    parts.push(m.i64.eq(m.i64.load(offset + k, 1, ptr()), m.i64.const(lo, hi)));
  }
  for (; k < text.length; k++) parts.push(m.i32.eq(m.i32.load8_u(offset + k, 1, ptr()), m.i32.const(text[k])));
  if (parts.length === 0) return m.i32.const(1);
  return parts.reduce((a, b) => m.i32.and(a, b));
}

/** Statements storing a constant string at ptr+offset. */
export function storeBytes(m: binaryen.Module, ptr: () => Expr, text: Uint8Array, offset = 0): Expr[] {
  return Array.from(text, (b, k) => m.i32.store8(offset + k, 1, ptr(), m.i32.const(b)));
}

/** A guard's k-th parameter (guards name their parameters p0, p1, ...). */
export const p = (f: FnBuilder, k: number) => f.get(`p${k}`);
