/* usage: true
 *
 * Return status 0 (successfully do nothing). */
int true_main(int argc, char **argv) { return 0; }
