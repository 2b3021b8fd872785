// Shared helpers: side-by-side timing, alternating A and B so machine noise hits both.
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs each of `fns` `rounds` times, interleaved; returns the median ms of each. */
export async function alternate(rounds, fns, warmup = 2) {
  for (let i = 0; i < warmup; i++) for (const f of Object.values(fns)) await f();
  const times = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  for (let i = 0; i < rounds; i++) {
    for (const [k, f] of Object.entries(fns)) {
      const t = performance.now();
      await f();
      times[k].push(performance.now() - t);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

export const fmt = (ms) => `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
export const row = (...cells) => `| ${cells.join(" | ")} |`;
