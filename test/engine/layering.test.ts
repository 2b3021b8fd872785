// The engine's folders form layers: no import cycle between them (issue 12, "the trust
// boundary"), and policy/ decides without importing the guard that enforces it. Type
// imports count too: a cycle of types is still a cycle of meaning.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect } from "chai";
import { ROOT } from "../helpers/cli.js";

const ENGINE = join(ROOT, "src", "engine");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** The engine folder a file lies in ("." for a file directly in src/engine). */
const folderOf = (file: string) => {
  const rel = relative(ENGINE, file);
  return rel.includes("/") ? rel.split("/")[0] : ".";
};

/** folder -> folders it imports from (relative imports inside src/engine only). */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of files(ENGINE)) {
    const from = folderOf(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
      const target = resolve(dirname(file), m[1]);
      if (!target.startsWith(ENGINE + "/")) continue;
      const to = folderOf(target);
      if (to === from || to === ".") continue;
      if (!graph.has(from)) graph.set(from, new Map());
      graph.get(from)!.set(to, relative(ROOT, file));
    }
  }
  return graph;
}

function findCycle(graph: Map<string, Map<string, string>>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === "done") return null;
    if (state.get(n) === "open") return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, "open");
    stack.push(n);
    for (const next of graph.get(n)?.keys() ?? []) {
      const c = visit(next);
      if (c) return c;
    }
    stack.pop();
    state.set(n, "done");
    return null;
  };
  for (const n of graph.keys()) {
    const c = visit(n);
    if (c) return c;
  }
  return null;
}

describe("engine layering", () => {
  const graph = folderGraph();

  it("the import graph between engine folders has no cycle", () => {
    const cycle = findCycle(graph);
    const via = cycle?.slice(1).map((to, k) => `${cycle[k]} -> ${to} (${graph.get(cycle[k])!.get(to)})`);
    expect(via ?? [], "a cycle between engine folders").to.deep.equal([]);
  });

  it("positive control: the check sees the engine's real imports and would see a cycle", () => {
    expect(graph.get("guard")?.has("policy"), "guard/ imports policy/ (GuardConfig)").to.equal(true);
    const withCycle = new Map([...graph].map(([k, v]) => [k, new Map(v)]));
    withCycle.get("policy")?.set("guard", "(added)") ?? withCycle.set("policy", new Map([["guard", "(added)"]]));
    expect(findCycle(withCycle)).to.not.equal(null);
  });

  it("policy/ imports nothing from the guard, the rewrite or admission", () => {
    const uses = [...(graph.get("policy")?.keys() ?? [])];
    for (const layer of ["guard", "rewrite", "admission"]) expect(uses, `policy/ imports ${layer}/`).to.not.include(layer);
  });
});
