// wsl-utils as @oclif/core's getPlatform imports it inside the fast path's bundle
// (scripts/build-fast-path.mjs): its isWsl, which is is-wsl's, without loading
// wsl-utils' child_process and PowerShell helpers; powerShellPath (a Windows shell's
// name) comes from wsl-utils itself when asked.
export { default as isWsl } from "is-wsl";
export const powerShellPath = async () => (await import("wsl-utils")).powerShellPath();
