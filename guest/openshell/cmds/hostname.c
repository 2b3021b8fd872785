/* usage: hostname
 *
 * Print the enclave's host name: the first line of /etc/hostname, or "openshell". */
#include "lib/lib.h"

int hostname_main(int argc, char **argv) {
  if (toy_init(argc, argv, "", 1)) return toys.exitval;
  if (toys.optc) { error_msg("setting the host name is not supported in the enclave"); return 1; }
  puts(enclave_hostname());
  return finish();
}
