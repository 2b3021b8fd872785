/* usage: hostname
 *
 * Print the enclave's host name: the first line of /etc/hostname, or "openshell". */
#include "lib/lib.h"

static const char help[] =
  "usage: hostname\n\nPrint the enclave's host name: the first line of /etc/hostname, or \"openshell\".\n";

int hostname_main(int argc, char **argv) {
  if (toy_init(argc, argv, "", help, 1)) return toys.exitval;
  if (toys.optc) { error_msg("setting the host name is not supported in the enclave"); return 1; }
  puts(enclave_hostname());
  return finish();
}
