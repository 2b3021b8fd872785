import { Flags } from "@oclif/core";
import { EngineCommand } from "../cli/engine-command.js";
import { runDaemon, ServeResult } from "../serve/daemon.js";
import { DEFAULT_BODY_LIMIT } from "../serve/server.js";

export default class Serve extends EngineCommand {
  static override description = `Serves the engine over HTTP: GET /healthz and /openapi.json without a token; /v1/enclaves (start, list, stop, exec, probe, audit) with a capability token from authority issue (Authorization: Bearer). Shares the state directory with the CLI. The address is logged on stderr ("listening url=..."), as is one line per request. SIGTERM or SIGINT stops accepting, lets in-flight requests finish for up to 10 s and exits 0; running instances keep running.`;
  static override examples = [
    "<%= config.bin %> <%= command.id %>",
    "<%= config.bin %> <%= command.id %> --host 0.0.0.0 --port 8787 --json-logs",
    'curl -s -H "Authorization: Bearer $TOKEN" -d \'{"cmd":"echo hi"}\' -H content-type:application/json http://127.0.0.1:8787/v1/enclaves/OpenShell/exec',
  ];
  static override flags = {
    "body-limit": Flags.integer({ description: "largest request body, in bytes", default: DEFAULT_BODY_LIMIT, min: 1024 }),
    host: Flags.string({ description: "address to listen on", default: "127.0.0.1" }),
    "json-logs": Flags.boolean({ description: "log one JSON object per line instead of text" }),
    port: Flags.integer({ description: "TCP port (0: any free port)", default: 8787, min: 0, max: 65535 }),
  };
  // drains in-flight requests on SIGTERM/SIGINT, then exits 0
  static override handlesSignals = true;
  static override summary = "Serve the engine over HTTP.";

  async run(): Promise<ServeResult> {
    const { flags } = await this.parse(Serve);
    const result = await runDaemon({ host: flags.host, port: flags.port, jsonLogs: flags["json-logs"], bodyLimit: flags["body-limit"] });
    if (!this.jsonEnabled()) this.log(`served ${result.requests} requests on ${result.url}; stopped on ${result.signal}`);
    return result;
  }
}
