// How an enclave's guest becomes an SDK package. Only the shell is a package command:
// @wasmer/sdk does work per package command on every run (measured: ~65 µs per command
// for the 290 KiB OpenShell module, ~3 ms per run for its 44 utilities). The other
// commands of a multi-call module appear in /bin as small sh scripts that run the
// utility built into the shell, which resolves /bin/<name> to its own table (WASI has
// no exec, so utilities run in-process whichever way they are named).
import type { PackageDefinition } from "@wasmer/sdk/node";
import { DEVICE_PLACEHOLDER_FILES } from "../policy/devices.js";

export interface GuestImage {
  module: Uint8Array;
  shell: string;
  commands: readonly string[];
  files: Readonly<Record<string, string>>;
}

/** The /bin entry of a utility built into the multi-call module. */
const binEntry = (name: string, shell: string) => `#!/bin/${shell}\n# ${name}: built into the OpenShell multi-call module (/bin/${shell})\nexec ${name} "$@"\n`;

export function guestPackage(image: GuestImage): PackageDefinition {
  const files: Record<string, string> = { ...DEVICE_PLACEHOLDER_FILES, ...image.files };
  for (const name of image.commands) if (name !== image.shell) files[`/bin/${name}`] = binEntry(name, image.shell);
  return {
    modules: { guest: image.module },
    commands: { [image.shell]: { module: "guest" } },
    entrypoint: image.shell,
    files,
  };
}
