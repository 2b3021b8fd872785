// The differential harness: one guest program run twice with the same files, arguments,
// environment and stdin,
//   raw:     in a bare @wasmer/sdk sandbox set up as an enclave's worker sets up its own
//            (the OpenShell image and environment), the module installed unmodified;
//   guarded: through a running enclave instance with `sandbox-exec --wasm --json`, the
//            path every user takes (admission, instrumentation, the policy guard).
// and the two outcomes compared. They must be identical, except for the operations the
// policy denies, which must show as EACCES (errno 2) and as recorded violations.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Wasmer, type Package, type Sandbox } from "@wasmer/sdk/node";
import { expect } from "chai";
import { definitionCommands, loadDefinition } from "../../src/engine/enclave/definitions.js";
import { guestPackage } from "../../src/engine/host/guest-package.js";
import { CliSandbox, expectSchema, ROOT } from "../helpers/cli.js";

export const C_GUEST = join(ROOT, "dist", "guest", "fixtures", "fidelity.wasm");
export const AS_GUEST = join(ROOT, "dist", "guest", "fidelity", "fidelity-as.wasm");
/** Built with Debian's rustc by scripts/build-fidelity-rs.sh and committed. */
export const RS_GUEST = join(ROOT, "guest", "fidelity", "fidelity-rs.wasm");

export interface Case {
  /** Arguments after argv[0]. */
  args: string[];
  /** Extra environment (--env). */
  env?: Record<string, string>;
  envClear?: boolean;
  argv0?: string;
  stdin?: string;
  /** Violations the policy must record, as "operation path". */
  denied?: string[];
}

export interface Outcome {
  exit: number | null;
  stdout: string;
  stderr: string;
}

export interface GuardedOutcome extends Outcome {
  cliExit: number | null;
  reason: string;
  violations: string[];
}

/** The raw side: a bare SDK sandbox with the enclave's image, like worker-main's boot. */
export class RawEnclave {
  private readonly installed = new Map<string, Package>();
  private constructor(
    private readonly wasmer: Wasmer,
    private readonly sandbox: Sandbox,
    readonly env: Record<string, string>,
  ) {}

  static async create(): Promise<RawEnclave> {
    const def = loadDefinition("OpenShell");
    const wasmer = new Wasmer({ cache: false });
    const guest = await wasmer.packages.create(
      guestPackage({ module: readFileSync(join(ROOT, def.module)), shell: def.shell, commands: definitionCommands(def), files: def.files }),
    );
    // as worker-main: no sandbox-wide env (the SDK would merge it into every command's)
    const sandbox = await wasmer.sandboxes.create({ packages: [guest], network: { mode: "disabled" }, env: {} });
    return new RawEnclave(wasmer, sandbox, def.env);
  }

  async run(file: string, c: Case, argv0: string): Promise<Outcome> {
    const key = `${file}:${argv0}`;
    let pkg = this.installed.get(key);
    if (!pkg) {
      const def = await this.wasmer.packages.create({ modules: { m: readFileSync(file) }, commands: { [argv0]: { module: "m" } }, entrypoint: argv0 });
      pkg = await this.sandbox.installPackage(def);
      this.installed.set(key, pkg);
    }
    const env = c.envClear ? { ...c.env } : { ...this.env, ...c.env };
    const out = await this.sandbox.command(pkg.command(argv0), c.args, { env }).run({ check: false, timeoutMs: 20000, stdin: c.stdin ?? "" });
    return { exit: out.reason === "exited" ? out.exitCode : null, stdout: out.stdout.text(), stderr: out.stderr.text() };
  }
}

/** The guarded side: `sandbox-exec --wasm FILE --json` against a running instance. */
export function runGuarded(cli: CliSandbox, file: string, c: Case, extraFlags: string[] = []): GuardedOutcome {
  const flags = ["--wasm", file, "--json", ...extraFlags];
  for (const [k, v] of Object.entries(c.env ?? {})) flags.push("--env", `${k}=${v}`);
  if (c.envClear) flags.push("--env-clear");
  if (c.argv0 !== undefined) flags.push("--argv0", c.argv0);
  if (c.stdin !== undefined) flags.push("-i");
  const r = cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", ...flags, "--", ...c.args], { input: c.stdin ?? "" });
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    throw new Error(`sandbox-exec printed no JSON (exit ${r.status}): ${r.stdout}${r.stderr}`);
  }
  expectSchema("output/sys-diagnostics-sandbox-exec.json", doc);
  const violations = (doc.violations as { operation: string; path: string }[]).map((v) => `${v.operation} ${v.path}`);
  return {
    exit: doc.guestExitCode as number | null,
    stdout: doc.stdout as string,
    stderr: doc.stderr as string,
    cliExit: r.status,
    reason: doc.reason as string,
    violations,
  };
}

/** EACCES as the guests print it: wasi-libc's errno, Rust's io::Error. */
const EACCES_LINE = /(errno 2|\(os error 2\))$/;

/** Identical outcomes, except that each operation the policy denies answers EACCES in
 *  the guarded run and is recorded, and the CLI then exits 77 (the guest's own status
 *  may then differ: it saw an error the raw run did not). */
export function expectSameExceptDenied(raw: Outcome, guarded: GuardedOutcome, c: Case): void {
  const label = `raw ${JSON.stringify(raw)}\nguarded ${JSON.stringify(guarded)}`;
  const denied = c.denied ?? [];
  expect(guarded.violations, label).to.deep.equal(denied);
  expect(guarded.stderr, label).to.equal(raw.stderr);
  if (!denied.length) {
    expect(guarded.exit, label).to.equal(raw.exit);
    expect(guarded.stdout, label).to.equal(raw.stdout);
    expect(guarded.reason, label).to.equal("exited");
    expect(guarded.cliExit, label).to.equal(raw.exit);
    return;
  }
  // The guest ran to its end and chose its own status (it may react to EACCES).
  expect(guarded.exit, label).to.be.a("number");
  expect(guarded.reason, label).to.equal("denied");
  expect(guarded.cliExit, label).to.equal(77);
  const [r, g] = [raw.stdout.split("\n"), guarded.stdout.split("\n")];
  expect(g.length, label).to.equal(r.length);
  let differing = 0;
  g.forEach((line, k) => {
    if (line === r[k]) return;
    differing++;
    expect(line, `line ${k + 1} differs from the raw run's ${JSON.stringify(r[k])} without being a denial\n${label}`).to.match(EACCES_LINE);
  });
  // A denied operation the raw SDK also refused with EACCES would not show; none here does.
  expect(differing, label).to.be.greaterThan(0);
}
