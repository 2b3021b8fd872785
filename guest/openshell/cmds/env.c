/* usage: env [-i] [-u NAME]... [NAME=VALUE]... [COMMAND [ARG...]]
 *
 * Run COMMAND (a utility of the enclave) with a modified environment,
 * or print the environment.
 * -i	start with an empty environment (- too)
 * -u	remove NAME from the environment */
#include "lib/lib.h"

extern char **environ;

static char **env;
static int nenv;

static void unset(const char *name, size_t len) {
  for (int i = 0; i < nenv; i++)
    if (!strncmp(env[i], name, len) && env[i][len] == '=') { env[i--] = env[--nenv]; }
}

int env_main(int argc, char **argv) {
  if (toy_init(argc, argv, "^iu*", 125)) return toys.exitval;
  char **ops = toys.optargs;
  int clear = FLAG('i');
  if (*ops && !strcmp(*ops, "-")) { clear = 1; ops++; }
  nenv = 0;
  if (!clear) while (environ && environ[nenv]) nenv++;
  int extra = 0;
  while (ops[extra]) extra++;
  env = malloc((nenv + extra + 1) * sizeof *env);
  for (int i = 0; i < nenv; i++) env[i] = environ[i];
  for (char **u = toys.list[flagbit('u')]; u && *u; u++) unset(*u, strlen(*u));
  for (; *ops && strchr(*ops, '=') && **ops != '='; ops++) {
    unset(*ops, strchr(*ops, '=') - *ops);
    env[nenv++] = *ops;
  }
  env[nenv] = NULL;
  int status;
  if (!*ops) {
    for (int i = 0; i < nenv; i++) puts(env[i]);
    status = finish();
  } else {
    char **saved = environ;
    environ = env;
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
  free(env);
  return status;
}
