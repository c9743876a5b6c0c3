/* A task that touches unmapped memory is stopped with a report; umol4
 * exits 128+SIGSEGV (checked by the runner). */
#include <stdio.h>
int main(void)
{
	printf("about to fault\n");
	fflush(stdout);
	*(volatile int *)0x1000 = 1;
	printf("not reached\n");
	return 0;
}
