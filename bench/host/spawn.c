/* Host limits for creating execution contexts, to set beside umol4's
 * thread and task creation: a Linux thread created, run and joined, and a
 * process forked, executing a static program and reaped.  Prints
 * "host_thread_ns N" and "host_process_ns N". */

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static void *nothing(void *arg) { return arg; }

int main(int argc, char **argv)
{
	/* argv[1]: a static program to execute (umol4's own stub, which exits
	 * at once when it is not started by umol4). */
	if (argc < 2)
		return 2;
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	sched_setaffinity(0, sizeof one, &one);
	int n = 2000;
	double t0 = now();
	for (int i = 0; i < n; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, nothing, NULL))
			return 1;
		pthread_join(t, NULL);
	}
	printf("host_thread_ns %.0f\n", (now() - t0) / n);
	n = 200;
	t0 = now();
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0) {
			char *args[] = { argv[1], NULL }, *env[] = { NULL };
			execve(argv[1], args, env);
			_exit(127);
		}
		waitpid(p, NULL, 0);
	}
	printf("host_process_ns %.0f\n", (now() - t0) / n);
	return 0;
}
