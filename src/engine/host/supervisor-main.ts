// The instance host's entry: a detached process per running enclave (supervisor.ts).
// Its first enclave worker starts before anything else is loaded, so the SDK's runtime
// compiles while the host loads itself and reads its launch configuration.
// Usage: node [host-runtime.ts's options] supervisor-main.js INSTANCE_DIR
import { WorkerHandle } from "./worker-handle.js";

const first = WorkerHandle.spawn();
const { runHost } = await import("./supervisor.js");
await runHost(process.argv[2], first);
