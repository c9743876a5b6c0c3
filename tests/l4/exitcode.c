/* exit(n) ends the task with code n; umol4 passes it on. */
#include <stdlib.h>
int main(int argc, char **argv) { return argc > 1 ? atoi(argv[1]) : 0; }
