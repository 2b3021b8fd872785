// Guards of the socket calls: with the network disabled, each is a recorded denial.
import { Rule } from "./violation-codes.js";
import { Errno } from "../rewrite/wasi-preview1.js";

import type { GuardSpec } from "./emitter.js";

export const SOCK_GUARDS: Record<string, GuardSpec> = {
  sock_accept: (g) => [g.setupScratch(), g.m.return(g.denyNoPath("sock_accept", Rule.NETWORK_DISABLED, Errno.NOTCAPABLE))],
  sock_recv: (g) => [g.setupScratch(), g.m.return(g.denyNoPath("sock_recv", Rule.NETWORK_DISABLED, Errno.NOTCAPABLE))],
  sock_send: (g) => [g.setupScratch(), g.m.return(g.denyNoPath("sock_send", Rule.NETWORK_DISABLED, Errno.NOTCAPABLE))],
  sock_shutdown: (g) => [g.setupScratch(), g.m.return(g.denyNoPath("sock_shutdown", Rule.NETWORK_DISABLED, Errno.NOTCAPABLE))],
};
