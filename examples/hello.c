/* The first L4 program: printf reaches the kernel log, the exit code
 * reaches the shell. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	printf("Hello World from an L4 task on umol4!\n");
	char *p = malloc(1000);
	snprintf(p, 1000, "argv[0]=%s, %d argument(s)", argv[0], argc - 1);
	puts(p);
	free(p);
	return 0;
}
