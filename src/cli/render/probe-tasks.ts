// sandbox-probe's progress: one listr2 task per probe on a TTY, plain lines otherwise.
// The session runs each instance's probes in order and the instances side by side
// (ProbeSession.run), so the probes are started together and finish as they can.
import { Listr } from "listr2";
import { ProbeOptions, ProbeReport, ProbeSession } from "../../engine/probe/run-suite.js";

export async function runProbeTasks(opts: ProbeOptions, mode: "tty" | "plain" | "silent"): Promise<ProbeReport> {
  const session = new ProbeSession(opts);
  try {
    if (mode === "tty") {
      const probes = session.probes.map((p) => ({
        title: p.id,
        task: async (_: unknown, task: { title: string }) => {
          const r = await session.run(p);
          task.title = `${p.id}: ${r.verdict}`;
          if (r.verdict !== "held") throw new Error(`${p.id} ${r.verdict}: ${r.observed}`);
        },
      }));
      await new Listr([{ title: "Boot the throwaway instances", task: () => session.boot() }], { exitOnError: true, renderer: "default", registerSignalListeners: false }).run();
      await new Listr(probes, { concurrent: true, exitOnError: false, collectErrors: false, renderer: "default", registerSignalListeners: false }).run();
    } else {
      await session.boot();
      await Promise.all(session.probes.map(async (p) => {
        const r = await session.run(p);
        if (mode === "plain") process.stderr.write(`sandbox-probe: ${r.id}: ${r.verdict}\n`);
      }));
    }
  } catch (e) {
    await session.finish();
    throw e;
  }
  return session.finish();
}
