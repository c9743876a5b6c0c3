/* The host's limit for a blocking hand-off between two processes on one
 * CPU: a request and an answer through a shared futex word, as in
 * ../shared/bench/limits.c.  umol4 pins itself and its tasks to one CPU the
 * same way, so this is the figure its IPC round trip is measured against.
 * Prints "futex_handoff_ns <ns per round trip>". */

#include <linux/futex.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long futex(atomic_int *w, int op, int v) { return syscall(SYS_futex, w, op, v, NULL, NULL, 0); }

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

/* Wait until *w == want, then set it to next and wake the other side. */
static void hand(atomic_int *w, int want, int next)
{
	int v;
	while ((v = atomic_load(w)) != want)
		futex(w, FUTEX_WAIT, v);
	atomic_store(w, next);
	futex(w, FUTEX_WAKE, 1);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	sched_setaffinity(0, sizeof one, &one);
	atomic_int *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (w == MAP_FAILED)
		return 1;
	atomic_store(w, 0);
	pid_t p = fork();
	if (p == 0) {
		for (long i = 0; i < n + n / 10; i++)
			hand(w, 1, 2);
		_exit(0);
	}
	for (long i = 0; i < n / 10; i++) {           /* warm up */
		atomic_store(w, 1);
		futex(w, FUTEX_WAKE, 1);
		hand(w, 2, 0);
	}
	double t0 = now();
	for (long i = 0; i < n; i++) {
		atomic_store(w, 1);
		futex(w, FUTEX_WAKE, 1);
		hand(w, 2, 0);
	}
	printf("futex_handoff_ns %.0f\n", (now() - t0) / n);
	waitpid(p, NULL, 0);
	return 0;
}
