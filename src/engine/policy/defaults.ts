// Every default an enclave starts from, in one list, as wasmtime's WasiCtxBuilder::new
// documents each of its own. A definition's policy, a --policy file or a flag overrides
// them; nothing else does. The README's Policy table lists the same values.
import { DEVICE_ALIASES } from "./devices.js";

export const ENCLAVE_DEFAULTS = {
  /** The definition's workdir (/workspace for OpenShell) is granted read-write unless
   *  the policy says `include_workdir: false`; nothing else is granted: a path outside
   *  `read_only` and `read_write` is denied. */
  include_workdir: true,
  /** A denied call fails with EACCES and is recorded; `trap` stops the guest instead. */
  on_violation: "deny",
  /** No sockets: the only network mode there is. */
  network: "disabled",
  limits: {
    /** Guest memory cap in 64 KiB pages (64 MiB). */
    memory_pages: 1024,
    /** Wall-clock time of one exec before it is stopped (exit 124). */
    timeout_ms: 30000,
    /** Bytes of stdout plus stderr kept from one exec. */
    output_bytes: 16 * 1024 * 1024,
  },
  /** Device names the guard maps onto the SDK's own (/dev/random, /dev/fd/N). */
  devices: DEVICE_ALIASES,
} as const;
