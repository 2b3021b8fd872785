// sandbox-start's progress: a listr2 task list on a TTY, plain lines otherwise.
import { Listr } from "listr2";
import { bootInstance, prepareLaunch, resolveDefinition, StartOptions, StartPlan } from "../../engine/client/instances.js";
import type { InstanceRecord } from "../../engine/state/instance-record.js";

export interface StartResult {
  enclave: string;
  definition: string;
  pid: number;
  memoryPages: number;
  timeoutMs: number;
  startedAt: string;
  policyDigest: string;
  moduleCached: boolean;
  recovered?: string;
}

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
      steps.map((s) => ({ title: s.title, task: async (c, task) => { const note = await s.run(c); if (note) task.title = `${s.title} (${note})`; } })),
      { ctx, renderer: "default", exitOnError: true, collectErrors: false },
    ).run();
  } else {
    // CI logs: one plain line per step on stderr, stdout stays for the result.
    for (const s of steps) {
      const note = await s.run(ctx);
      if (mode === "plain") process.stderr.write(`sandbox-start: ${s.title.toLowerCase()}: ok${note ? ` (${note})` : ""}\n`);
    }
  }
  const r = ctx.record!;
  return {
    enclave: r.name,
    definition: r.definition,
    pid: r.pid,
    memoryPages: r.memoryPages,
    timeoutMs: r.timeoutMs,
    startedAt: r.startedAt,
    policyDigest: r.policyDigest,
    moduleCached: !!ctx.plan.moduleCached,
    ...(ctx.plan.recovered ? { recovered: ctx.plan.recovered } : {}),
  };
}
