/* A task that spins forever; the runner kills umol4 and checks /proc. */
#include <stdio.h>
int main(void) { printf("looping\n"); fflush(stdout); for (;;) ; }
