// The enclave worker: the only process of an instance that runs @wasmer/sdk. It is a
// child of the supervisor, which hard-kills it when a guest overruns (the SDK cannot
// stop a guest's thread) and starts a fresh one. It exits as soon as its supervisor goes
// away. Everything it does is EnclaveSandbox's; this file is the IPC around it.
import { EnclaveSandbox, firstLine } from "./enclave-sandbox.js";
import type { FromWorker, ToWorker } from "./worker-messages.js";

const send = (m: FromWorker) => process.send?.(m);
process.on("disconnect", () => process.exit(0));

let box: EnclaveSandbox;

process.on("message", (msg: ToWorker) => {
  const fail = (id: number, e: unknown) => send({ t: "error", id, message: firstLine(e) });
  switch (msg.t) {
    case "boot":
      EnclaveSandbox.boot(msg.launch, msg.snapshot).then(
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
        .then((body) => send({ t: "result", id: msg.id, body }), (e) => fail(msg.id, e));
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
      box.snapshot().then((entries) => send({ t: "snapshot", entries }), (e) => fail(-1, e));
      break;
  }
});
send({ t: "alive" });
