// Gives memory back once an instance is idle. V8 collects only when a thread allocates,
// so an idle instance would keep its last exec's garbage (about a third of its memory,
// measured) until the next exec. A full collection shortly after the last exec ends
// costs a few milliseconds, off any exec's path.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** How long the instance must stay idle before it is collected. */
const IDLE_MS = 200;

setFlagsFromString("--expose-gc");
// a fresh context sees the flag; the function it returns collects the whole isolate
const gc = runInNewContext("gc") as () => void;

let timer: NodeJS.Timeout | undefined;

/** Collects after IDLE_MS if `idle()` still says so then; restarts the wait when called again. */
export function collectWhenIdle(idle: () => boolean): void {
  clearTimeout(timer);
  timer = setTimeout(() => idle() && gc(), IDLE_MS);
  timer.unref();
}
