// The guard in front of proc_exit. @wasmer/sdk reports a guest status modulo 256 (and
// -1 as 65535), so proc_exit(256) would come out as a success. A status outside 0..255
// is written to the audit file first, as an `exit` record holding the u32, so the host
// knows the guest's real status and never reports 0 for it. The exit itself is the
// guest's call, unchanged.
import type binaryen from "binaryen";
import { G, F } from "./names.js";
import { FnBuilder, i32, none } from "./ir.js";
import { opCode } from "./violation-codes.js";

export function emitExitGuard(m: binaryen.Module, name: string, rawProcExit: string): void {
  const f = new FnBuilder(m, name, [["status", i32]], none);
  const scratch = () => m.global.get(G.scratch, i32);
  f.finish([
    m.if(
      m.i32.gt_u(f.get("status"), m.i32.const(255)),
      m.block(null, [
        m.global.set(G.scratch, m.call(F.scratchBase, [], i32)),
        m.if(
          m.i32.ne(scratch(), m.i32.const(0)),
          m.block(null, [
            m.i32.store(0, 4, scratch(), f.get("status")),
            m.call(F.record, [m.i32.const(opCode("exit")), m.i32.const(0), scratch(), m.i32.const(4)], none),
          ]),
        ),
      ]),
    ),
    m.call(rawProcExit, [f.get("status")], none),
  ]);
}
