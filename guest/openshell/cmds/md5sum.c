/* usage: md5sum [-bct] [--quiet] [--status] [FILE...]
 *
 * Print or check MD5 checksums of each FILE (or stdin).
 * -b	binary mode (the same as text here)
 * -c	read checksums from the FILEs and check them
 * -t	text mode (default)
 * --quiet	with -c, do not print OK lines
 * --status	with -c, print nothing; the status says it */
#include "lib/lib.h"

/* the algorithms and the options are in lib/digest.c */
int md5sum_main(int argc, char **argv) { return digest_main(argc, argv, 0); }
