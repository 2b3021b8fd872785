#include <stdio.h>
#include <string.h>
#include "lib/commands.h"
int main(int argc, char **argv) {
  const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
  for (int i = 0; i < openshell_command_count; i++)
    if (!strcmp(openshell_commands[i].name, name)) return openshell_commands[i].main(argc, argv);
  printf("stub shell: %d args\n", argc);
  return 0;
}
