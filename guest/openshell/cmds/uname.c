/* usage: uname [-asnrvmpio]
 *
 * Print information about the system: the OpenShell enclave (WASI on wasm32).
 * -s	system name (default): OpenShell
 * -n	node name (from /etc/hostname, default openshell)
 * -r	release
 * -v	version
 * -m	machine: wasm32
 * -p	processor (unknown)
 * -i	hardware platform (unknown)
 * -o	operating system: WASI
 * -a	all of the above, except unknown -p and -i */
#include "lib/lib.h"

int uname_main(int argc, char **argv) {
  if (toy_init(argc, argv, "asnrvmpio", 1)) return toys.exitval;
  if (toys.optc) return usage_error("extra operand '%s'", toys.optargs[0]);
  const char *opts = "snrvmpio";
  const char *val[] = {"OpenShell", enclave_hostname(), "1.0", "wasip1", "wasm32", "unknown", "unknown", "WASI"};
  int any = 0;
  for (int i = 0; opts[i]; i++) if (FLAG(opts[i])) any = 1;
  if (!any && !FLAG('a')) toys.flags |= 1ULL << flagbit('s');
  int first = 1;
  for (int i = 0; opts[i]; i++) {
    if (!FLAG(opts[i]) && !(FLAG('a') && opts[i] != 'p' && opts[i] != 'i')) continue;
    if (FLAG('a') && !FLAG(opts[i]) && !strcmp(val[i], "unknown")) continue;
    printf("%s%s", first ? "" : " ", val[i]);
    first = 0;
  }
  putchar('\n');
  return finish();
}
