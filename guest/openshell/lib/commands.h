/* The multi-call table: one entry per guest/openshell/cmds/<name>.c, sorted by name. */
#ifndef OPENSHELL_COMMANDS_H
#define OPENSHELL_COMMANDS_H
struct command {
  const char *name;
  int (*main)(int argc, char **argv);
};
extern const struct command openshell_commands[];
extern const int openshell_command_count;
#endif
