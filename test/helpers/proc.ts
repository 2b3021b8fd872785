// The engine's own process-tree accounting, reused by the reliability tests.
export { cpuSecondsOfTree as cpuSecondsDuring } from "../../src/engine/state/process-tree.js";
