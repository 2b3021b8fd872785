int true_main(int argc, char **argv) { return 0; }
