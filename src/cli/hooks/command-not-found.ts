// An unknown command (or topic) is a usage error with a hint that leads somewhere.
import type { Hook } from "@oclif/core";
import { reportNotFound } from "../not-found.js";

const hook: Hook.CommandNotFound = async function ({ config, id, argv }) {
  reportNotFound(config, id, argv ?? []);
};

export default hook;
