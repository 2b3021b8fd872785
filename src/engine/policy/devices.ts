// The standard devices every enclave provides. The SDK has /dev/null, /dev/zero,
// /dev/urandom, /dev/stdin, /dev/stdout and /dev/stderr (writes to the last two reach
// the exec's own streams); the guard maps the missing names onto them, and empty
// package files make those names appear in listings (`ls /dev`, `ls /dev/fd`).

export const DEVICE_ALIASES: readonly { guest: string; backing: string }[] = [
  { guest: "/dev/random", backing: "/dev/urandom" },
  { guest: "/dev/fd/0", backing: "/dev/stdin" },
  { guest: "/dev/fd/1", backing: "/dev/stdout" },
  { guest: "/dev/fd/2", backing: "/dev/stderr" },
];

/** Image files standing in for the aliases in directory listings (never opened: the
 *  guard sends every path call on them to the device they name). */
export const DEVICE_PLACEHOLDER_FILES: Readonly<Record<string, string>> = Object.fromEntries(DEVICE_ALIASES.map((d) => [d.guest, ""]));
