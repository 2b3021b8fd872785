// A `serve` daemon spawned through bin/run.js, for the tests that need a real process
// (signals, the listening log line, --json-logs); the rest use fastify's inject().
import { ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { CliSandbox, ROOT } from "./cli.js";

const BIN = join(ROOT, "bin", "run.js");

export /** A daemon process; its address is read from the "listening url=..." log line. */
class ServeProcess {
  readonly child: ChildProcess;
  stderr = "";
  stdout = "";
  readonly url: Promise<string>;
  readonly exited: Promise<number | null>;

  constructor(cli: CliSandbox, args: string[] = []) {
    this.child = spawn(process.execPath, [BIN, "serve", "--port", "0", ...args], { env: cli.env(), stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout!.on("data", (d) => (this.stdout += d));
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
    this.url = new Promise((resolve, reject) => {
      this.child.stderr!.on("data", (d) => {
        this.stderr += d;
        const m = /listening.*?(http:\/\/127\.0\.0\.1:\d+)/.exec(this.stderr);
        if (m) resolve(m[1]);
      });
      this.exited.then((code) => reject(new Error(`serve exited ${code} before listening: ${this.stderr}`)));
    });
  }

  kill() {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}
