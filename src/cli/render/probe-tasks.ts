// sandbox-probe's progress: one listr2 task per probe on a TTY, plain lines otherwise.
// The session runs each instance's probes in order, each instance's as soon as it is up
// (ProbeSession.run), so every probe is queued at once and they finish as they can.
import { Listr } from "listr2";
import { ProbeOptions, ProbeReport, ProbeSession } from "../../engine/probe/run-suite.js";

export async function runProbeTasks(opts: ProbeOptions, mode: "tty" | "plain" | "silent"): Promise<ProbeReport> {
  const session = new ProbeSession(opts);
  try {
    const runs = session.probes.map((p) => ({ probe: p, result: session.run(p) }));
    for (const r of runs) r.result.catch(() => {}); // a failed boot is reported once, by boot()
    if (mode === "tty") {
      await new Listr([{ title: "Boot the throwaway instances", task: () => session.boot() }], {
        exitOnError: true,
        renderer: "default",
        registerSignalListeners: false,
      }).run();
      const tasks = runs.map(({ probe, result }) => ({
        title: probe.id,
        task: async (_: unknown, task: { title: string }) => {
          const r = await result;
          task.title = `${probe.id}: ${r.verdict}`;
          if (r.verdict !== "held") throw new Error(`${probe.id} ${r.verdict}: ${r.observed}`);
        },
      }));
      await new Listr(tasks, { concurrent: true, exitOnError: false, collectErrors: false, renderer: "default", registerSignalListeners: false }).run();
    } else {
      await session.boot();
      await Promise.all(
        runs.map(async ({ result }) => {
          const r = await result;
          if (mode === "plain") process.stderr.write(`sandbox-probe: ${r.id}: ${r.verdict}\n`);
        }),
      );
    }
  } catch (e) {
    await session.finish();
    throw e;
  }
  return session.finish();
}
