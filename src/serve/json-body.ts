// The JSON body parser. fastify's own refuses a `__proto__` key (and `constructor`
// holding `prototype`) with the same "Body is not valid JSON" as a syntax error, so a
// client cannot tell what is wrong. This one says which key, and where.
import type { FastifyInstance } from "fastify";
import { HttpError } from "./http-error.js";

/** Keys that could reach an object's prototype if a consumer merged the body. */
function poisonedKey(value: unknown): { at: string; key: string } | undefined {
  const stack: { v: unknown; at: string }[] = [{ v: value, at: "body" }];
  while (stack.length) {
    const { v, at } = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    const own = Object.keys(v); // JSON.parse makes "__proto__" an own key, never a prototype
    if (own.includes("__proto__")) return { at, key: "__proto__" };
    const ctor = (v as Record<string, unknown>).constructor;
    if (own.includes("constructor") && ctor !== null && typeof ctor === "object" && Object.keys(ctor).includes("prototype")) {
      return { at: `${at}/constructor`, key: "prototype" };
    }
    for (const k of own) stack.push({ v: (v as Record<string, unknown>)[k], at: `${at}/${k}` });
  }
  return undefined;
}

/** Keys are the client's own text: a path of them is shortened, not echoed whole. */
const clip = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}...` : s);

export function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw new HttpError(400, "BAD_REQUEST", "Body cannot be empty when content-type is set to 'application/json'");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, "BAD_REQUEST", "Body is not valid JSON but content-type is set to 'application/json'");
  }
  const bad = poisonedKey(value);
  if (bad) throw new HttpError(400, "BAD_REQUEST", `${clip(bad.at)}: key "${bad.key}" is not allowed`);
  return value;
}

export function useJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
}
