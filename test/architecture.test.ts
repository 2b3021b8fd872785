// The structure the README's Layout describes, checked: the engine imports no adapter,
// no module in src/ is over 450 lines, engine messages carry no adapter's wording (the
// engine's layers: engine/layering.test.ts).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect } from "chai";
import { ROOT } from "./helpers/cli.js";

const SRC = join(ROOT, "src");
const walk = (d: string): string[] =>
  readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : f.endsWith(".ts") ? [join(d, f)] : []));
const files = walk(SRC);

/** Runtime imports of a module (static and dynamic), as paths relative to src/. */
function imports(file: string): string[] {
  const text = readFileSync(file, "utf8").replace(/^\s*\/\/.*$/gm, "");
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\sfrom\s+["'](\.[^"']+)["']/gm)) if (!m[2]) out.push(m[3]);
  for (const m of text.matchAll(/import\(\s*["'](\.[^"']+)["']\s*\)/g)) out.push(m[1]);
  return out.map((spec) => relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, ".ts"));
}

describe("architecture", () => {
  it("the engine imports no adapter (cli, commands, serve, authority)", () => {
    for (const f of files.filter((f) => relative(SRC, f).startsWith("engine/"))) {
      for (const target of imports(f)) expect(target, relative(SRC, f)).to.match(/^engine\//);
    }
    // positive control: the check sees imports at all
    expect(imports(join(SRC, "engine", "client", "exec.ts")).length).to.be.greaterThan(3);
  });

  it("no module in src/ is over 450 lines", () => {
    const long = files.map((f) => [relative(SRC, f), readFileSync(f, "utf8").split("\n").length] as const).filter(([, n]) => n > 450);
    expect(long, long.map(([f, n]) => `${f}: ${n} lines`).join("\n")).to.deep.equal([]);
  });

  it("engine errors name no interface: no flag, command or binary in their messages (each adapter phrases its own)", () => {
    const wording = /--[a-z]|\bsandbox-[a-z]|sys-diagnostics|coreason-(server|engine)/;
    const found: string[] = [];
    for (const f of files.filter((f) => relative(SRC, f).startsWith("engine/"))) {
      const text = readFileSync(f, "utf8");
      for (const m of text.matchAll(/new EngineError\(\s*"[A-Z_]+",\s*(`[^`]*`|"[^"]*")/g)) if (wording.test(m[1])) found.push(`${relative(SRC, f)}: ${m[1]}`);
    }
    expect(found, found.join("\n")).to.deep.equal([]);
    // positive control: the scan reaches the engine's messages
    const all = files.flatMap((f) => (relative(SRC, f).startsWith("engine/") ? [...readFileSync(f, "utf8").matchAll(/new EngineError\(/g)] : []));
    expect(all.length).to.be.greaterThan(50);
  });
});
