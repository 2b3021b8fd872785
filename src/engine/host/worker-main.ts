// The enclave worker: the only thread of an instance's host that runs @wasmer/sdk. The
// supervisor terminates it when a guest overruns (the SDK cannot stop a guest's thread)
// and starts a fresh one. Everything it does is EnclaveSandbox's; this file is the
// messaging around it, and giving memory back once the instance is idle.
import { parentPort } from "node:worker_threads";
import { Wasmer } from "@wasmer/sdk/node";
import { EnclaveSandbox, firstLine } from "./enclave-sandbox.js";
import { collectWhenIdle } from "./idle-gc.js";
import type { FromWorker, ToWorker } from "./worker-messages.js";

if (!parentPort) throw new Error("worker-main.js runs as the host's worker thread");
const port = parentPort;
const send = (m: FromWorker) => port.postMessage(m);

let box: EnclaveSandbox;
// The SDK's runtime (a 4.6 MiB WebAssembly module) compiles now, while the host reads
// its launch configuration; a failure here is the boot's error again, when it asks.
const wasmer = new Wasmer({ cache: false });
wasmer.ready().catch(() => {});

port.on("message", (msg: ToWorker) => {
  const fail = (id: number, e: unknown) => send({ t: "error", id, message: firstLine(e) });
  switch (msg.t) {
    case "boot":
      EnclaveSandbox.boot(msg.launch, msg.snapshot, true, wasmer).then(
        (b) => ((box = b), send({ t: "ready" })),
        (e) => send({ t: "boot-failed", message: firstLine(e) }),
      );
      break;
    case "exec":
      box
        .exec(msg.id, msg.args, {
          output: (stream, data) => send({ t: "output", id: msg.id, stream, data }),
          violations: (records) => send({ t: "violations", id: msg.id, records }),
        })
        .then(
          (body) => send({ t: "result", id: msg.id, body }),
          (e) => fail(msg.id, e),
        )
        .finally(() => collectWhenIdle(() => box.idle()));
      break;
    case "stdin":
      box.stdin(msg.id, msg);
      break;
    case "drain":
      // The supervisor is about to kill this worker: hand over every violation first.
      void box.drain(msg.id).then(() => send({ t: "drained", id: msg.id }));
      break;
    case "kill":
      box.kill(msg.id);
      break;
    case "snapshot":
      box.snapshot().then(
        (entries) => send({ t: "snapshot", entries }),
        (e) => fail(-1, e),
      );
      break;
  }
});
send({ t: "alive" });
