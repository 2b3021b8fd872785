/* usage: whoami
 *
 * Print the user name: $USER, or "sandbox" (the enclave has no user database). */
#include "lib/lib.h"

int whoami_main(int argc, char **argv) {
  if (toy_init(argc, argv, "", 1)) return toys.exitval;
  if (toys.optc) return usage_error("extra operand '%s'", toys.optargs[0]);
  const char *user = getenv("USER");
  puts(user && *user ? user : "sandbox");
  return finish();
}
