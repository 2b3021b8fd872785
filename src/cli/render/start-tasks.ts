// sandbox-start's progress: a listr2 task list on a TTY, plain lines otherwise.
import { Listr } from "listr2";
import { bootInstance, prepareLaunch, resolveDefinition, StartOptions, StartPlan } from "../../engine/client/instances.js";
import { startResult, type StartResult } from "../../engine/client/start-result.js";
import type { InstanceRecord } from "../../engine/state/instance-record.js";

export type { StartResult };

interface Ctx {
  plan: StartPlan;
  record?: InstanceRecord;
}

interface Step {
  title: string;
  run(c: Ctx): Promise<string | void> | string | void;
}

export async function runStartTasks(opts: StartOptions, mode: "tty" | "plain" | "silent"): Promise<StartResult> {
  const ctx: Ctx = { plan: {} };
  const steps: Step[] = [
    { title: "Validate definition", run: () => void resolveDefinition(opts) },
    { title: "Prepare modules", run: async (c) => (await prepareLaunch(opts, c.plan), c.plan.moduleCached ? "cached" : "admitted and instrumented") },
    { title: "Boot", run: async (c) => void (c.record = await bootInstance(c.plan.launch!, c.plan)) },
    { title: "Health check", run: (c) => `pid ${c.record!.pid} answers` },
  ];
  if (mode === "tty") {
    await new Listr<Ctx>(
      steps.map((s) => ({
        title: s.title,
        task: async (c, task) => {
          const note = await s.run(c);
          if (note) task.title = `${s.title} (${note})`;
        },
      })),
      { ctx, renderer: "default", exitOnError: true, collectErrors: false, registerSignalListeners: false },
    ).run();
  } else {
    // CI logs: one plain line per step on stderr, stdout stays for the result.
    for (const s of steps) {
      const note = await s.run(ctx);
      if (mode === "plain") process.stderr.write(`sandbox-start: ${s.title.toLowerCase()}: ok${note ? ` (${note})` : ""}\n`);
    }
  }
  return startResult(ctx.record!, ctx.plan);
}
