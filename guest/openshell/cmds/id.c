/* usage: id [-u | -g | -G] [-n]
 *
 * Print the user and group identity. The enclave has no users: everything
 * runs as uid 1000 and gid 1000, named after $USER (default "sandbox").
 * -u	print only the user id
 * -g	print only the group id
 * -G	print only the group ids
 * -n	print names instead of numbers */
#include "lib/lib.h"

int id_main(int argc, char **argv) {
  if (toy_init(argc, argv, "ugGnr", 1)) return toys.exitval;
  const char *user = getenv("USER");
  if (!user || !*user) user = "sandbox";
  if (toys.optc && strcmp(toys.optargs[0], user)) {
    error_msg("'%s': no such user", toys.optargs[0]);
    return 1;
  }
  if (FLAG('u') + FLAG('g') + FLAG('G') > 1) return usage_error("cannot print \"only\" of more than one choice");
  if (FLAG('n') && !(FLAG('u') || FLAG('g') || FLAG('G'))) return usage_error("cannot print only names or real IDs in default format");
  if (FLAG('u') || FLAG('g') || FLAG('G')) puts(FLAG('n') ? user : "1000");
  else printf("uid=1000(%s) gid=1000(%s) groups=1000(%s)\n", user, user, user);
  return finish();
}
