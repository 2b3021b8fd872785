/* usage: env [-i] [-u NAME]... [NAME=VALUE]... [COMMAND [ARG...]]
 *
 * Run COMMAND (a utility of the enclave) with a modified environment,
 * or print the environment.
 * -i	start with an empty environment (- too)
 * -u	remove NAME from the environment */
#include "lib/lib.h"

extern char **environ;

GLOBALS(env,
  char **env;
  int nenv;
);

static void unset(const char *name, size_t len) {
  for (int i = 0; i < TT.nenv; i++)
    if (!strncmp(TT.env[i], name, len) && TT.env[i][len] == '=') { TT.env[i--] = TT.env[--TT.nenv]; }
}

int env_main(int argc, char **argv) {
  if (toy_init(argc, argv, "^iu*", 125)) return toys.exitval;
  char **ops = toys.optargs;
  int clear = FLAG('i');
  if (*ops && !strcmp(*ops, "-")) { clear = 1; ops++; }
  if (!clear) while (environ && environ[TT.nenv]) TT.nenv++;
  int extra = 0;
  while (ops[extra]) extra++;
  TT.env = malloc((TT.nenv + extra + 1) * sizeof *TT.env);
  for (int i = 0; i < TT.nenv; i++) TT.env[i] = environ[i];
  for (char **u = toys.list[flagbit('u')]; u && *u; u++) unset(*u, strlen(*u));
  for (; *ops && strchr(*ops, '=') && **ops != '='; ops++) {
    unset(*ops, strchr(*ops, '=') - *ops);
    TT.env[TT.nenv++] = *ops;
  }
  TT.env[TT.nenv] = NULL;
  int status;
  if (!*ops) {
    for (int i = 0; i < TT.nenv; i++) puts(TT.env[i]);
    status = finish();
  } else {
    char **saved = environ;
    environ = TT.env;
    int argc2 = 0;
    while (ops[argc2]) argc2++;
    status = run_command(argc2, ops);
    environ = saved;
    if (status < 0) {
      errno = ENOENT;
      perror_msg("'%s'", ops[0]);
      status = 127;
    }
  }
  free(TT.env);
  return status;
}
