// Unit tests of sandbox-exec's rendering and the exit-status rule.
import { Writable } from "node:stream";
import { expect } from "chai";
import { ExecOutput } from "../../src/cli/render/exec-output.js";
import type { ExecResult } from "../../src/engine/client/exec.js";
import { escapeGuestText, execExitCode, guestStatus } from "../../src/engine/verdict.js";
import { guestBytesToText } from "../../src/engine/guard/violation-codes.js";

class Capture extends Writable {
  text = "";
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString("utf8");
    done();
  }
}

const result = (over: Partial<ExecResult> = {}): ExecResult => ({
  enclave: "OpenShell",
  exitCode: 77,
  guestExitCode: 0,
  reason: "denied",
  stdout: "",
  stderr: "",
  durationMs: 3,
  violations: [{ operation: "open", path: "/etc/passwd", rule: "filesystem_policy: not granted", decision: "denied" }],
  truncated: false,
  ...over,
});

describe("sandbox-exec rendering", () => {
  it("on a terminal, the engine resets attributes and starts its own line after the guest's output", () => {
    const [out, err] = [new Capture(true), new Capture(true)];
    const r = new ExecOutput(out as unknown as NodeJS.WriteStream, err as unknown as NodeJS.WriteStream);
    r.guest("stdout", Buffer.from("hidden\x1b[8m"));
    r.verdict(result());
    expect(out.text).to.equal("hidden\x1b[8m\n\x1b[0mDENIED open /etc/passwd: Permission denied (filesystem_policy: not granted)\n");
    expect(err.text).to.equal("\x1b[0msandbox-exec: policy violations: the last line of stdout (exit 77)\n");
  });

  it("not on a terminal: no escape sequences of the engine's own; nothing added without violations", () => {
    const [out, err] = [new Capture(false), new Capture(false)];
    const r = new ExecOutput(out as unknown as NodeJS.WriteStream, err as unknown as NodeJS.WriteStream);
    r.guest("stdout", Buffer.from("fine\n"));
    r.verdict(result({ violations: [], exitCode: 0, reason: "exited" }));
    expect(out.text).to.equal("fine\n");
    expect(err.text).to.equal("");
  });

  it("counts every engine line, the dropped-kinds line included", () => {
    const [out, err] = [new Capture(false), new Capture(false)];
    new ExecOutput(out as unknown as NodeJS.WriteStream, err as unknown as NodeJS.WriteStream).verdict(result({ violationsDropped: 5 }));
    expect(out.text.split("\n").filter(Boolean)).to.have.length(2);
    expect(err.text).to.equal("sandbox-exec: policy violations: the last 2 lines of stdout (exit 77)\n");
  });
});

describe("guest text", () => {
  it("escapes C0, C1, DEL and line separators; leaves printable text alone", () => {
    expect(escapeGuestText("a\nb\r\tc\x1b[8m\x7f\x9b\u2028é")).to.equal("a\\nb\\r\\tc\\x1b[8m\\x7f\\x9b\\u2028é");
  });

  it("decodes invalid UTF-8 as \\xHH and doubles backslashes, so different bytes never read alike", () => {
    expect(guestBytesToText(Buffer.from([0x61, 0xff, 0x62]))).to.equal("a\\xffb");
    expect(guestBytesToText(Buffer.from("a\\xffb"))).to.equal("a\\\\xffb");
    expect(guestBytesToText(Buffer.from("é€😀"))).to.equal("é€😀");
    expect(guestBytesToText(Buffer.from([0xe2, 0x82]))).to.equal("\\xe2\\x82");
  });
});

describe("the exit-status rule", () => {
  const body = (reason: ExecResult["reason"], guestExitCode: number | null, violations = 0) => ({
    reason,
    guestExitCode,
    violations: Array.from({ length: violations }, () => result().violations[0]),
  });
  it("a violation wins over everything else", () => {
    for (const reason of ["timeout", "trapped", "killed", "failed", "denied"] as const) expect(execExitCode(body(reason, null, 1))).to.equal(77);
  });
  it("then timeout, trap, engine stop, engine failure", () => {
    expect(execExitCode(body("timeout", null))).to.equal(124);
    expect(execExitCode(body("trapped", null))).to.equal(134);
    expect(execExitCode(body("killed", null))).to.equal(137);
    expect(execExitCode(body("failed", null))).to.equal(125);
    expect(execExitCode(body("exited", null))).to.equal(125);
  });
  it("the guest's own status only when it is not a verdict and fits 0..255", () => {
    expect([0, 1, 2, 3, 126, 127, 255].map(guestStatus)).to.deep.equal([0, 1, 2, 3, 126, 127, 255]);
    expect([77, 124, 125, 134, 137, 256, 65535, 4294967295, -1].map(guestStatus)).to.deep.equal([1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });
});
