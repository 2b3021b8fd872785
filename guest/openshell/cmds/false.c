/* usage: false
 *
 * Return status 1 (unsuccessfully do nothing). */
int false_main(int argc, char **argv) { return 1; }
