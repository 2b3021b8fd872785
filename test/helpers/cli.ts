// Runs the CLI as a user does (node bin/run.js ...), each suite with its own state dir.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { schemaErrors } from "../../src/engine/schema/validator.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = join(ROOT, "bin", "run.js");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export class CliSandbox {
  readonly stateDir = mkdtempSync(join(tmpdir(), "coreason-test-"));
  private readonly pids = new Set<number>();

  /** The CLI's environment: the suite's state dir, and no colour whatever the CI sets (CI=1 makes oclif's plugins colour). */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const { FORCE_COLOR: _force, ...inherited } = process.env;
    return { ...inherited, NO_COLOR: "1", COREASON_STATE_DIR: this.stateDir, ...extra };
  }

  run(args: string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): CliResult {
    const t = performance.now();
    const r = spawnSync(process.execPath, [BIN, ...args], {
      env: this.env(opts.env),
      input: opts.input ?? "",
      encoding: "utf8",
      timeout: opts.timeoutMs ?? 120000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const result = { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t };
    this.remember(result);
    return result;
  }

  /** Async variant, for concurrency tests. */
  runAsync(args: string[]): Promise<CliResult> {
    const t = performance.now();
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: this.env(), stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (status) => resolve({ status, stdout, stderr, ms: performance.now() - t }));
    });
  }

  /** Starts an instance, asserting success; records its pid for cleanup. */
  start(enclave = "OpenShell", extra: string[] = []): { pid: number } {
    const r = this.run(["sys-diagnostics", "sandbox-start", "--enclave", enclave, "--json", ...extra]);
    expect(r.status, r.stderr + r.stdout).to.equal(0);
    return JSON.parse(r.stdout);
  }

  exec(cmd: string, extra: string[] = [], opts: { input?: string } = {}): CliResult {
    return this.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", cmd, ...extra], opts);
  }

  execJson(
    cmd: string,
    extra: string[] = [],
  ): { status: number | null; doc: Record<string, unknown> & { violations: { operation: string; path: string; rule: string }[] } } {
    const r = this.exec(cmd, ["--json", ...extra]);
    const doc = JSON.parse(r.stdout);
    expectSchema("output/sys-diagnostics-sandbox-exec.json", doc);
    return { status: r.status, doc };
  }

  /** Kills every host this suite started (by recorded pid) and removes the state dir. */
  cleanup(): void {
    for (const pid of this.pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    rmSync(this.stateDir, { recursive: true, force: true });
  }

  private remember(r: CliResult) {
    // pid 0 (a corrupt record) would signal our own process group
    for (const m of r.stdout.matchAll(/"pid": (\d+)/g)) if (Number(m[1]) > 1) this.pids.add(Number(m[1]));
  }
}

export function expectSchema(name: string, doc: unknown): void {
  expect(schemaErrors(name, doc), `${name}: ${JSON.stringify(doc).slice(0, 400)}`).to.deep.equal([]);
}

/** A one-line error naming the problem, no stack trace. */
export function expectCleanError(r: CliResult, status: number, pattern: RegExp): void {
  expect(r.status, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).to.equal(status);
  expect(r.stderr).to.match(pattern);
  expect(r.stderr).not.to.match(/\n\s+at .+:\d+:\d+/);
}
