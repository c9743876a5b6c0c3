/* The raw limit of the ptrace platform's design on this host: one
 * PTRACE_SYSEMU stop of a child with one PTRACE_GETREGS and one
 * PTRACE_SETREGS per stop (what the tracer does for each system call of a
 * task), tracer and child pinned to the same CPU.  Prints
 *   ptrace_sysemu_stop_ns <ns per stop, mean over the measured stops>
 * Usage: ptrace_limit [STOPS] (default 100000; 1000 warm-up stops first). */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Stop once per loop: the system call never reaches Linux. */
static void child_loop(void)
{
	for (;;)
		__asm__ volatile("syscall" : : "a"(39L) : "rcx", "r11", "memory");
}

static int stop(pid_t pid, struct user_regs_struct *r)
{
	int st;
	if (ptrace(PTRACE_SYSEMU, pid, NULL, NULL) || waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st) ||
	    ptrace(PTRACE_GETREGS, pid, NULL, r))
		return -1;
	r->rax = 42;                      /* the emulated result */
	return ptrace(PTRACE_SETREGS, pid, NULL, r) ? -1 : 0;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() >= 0 ? sched_getcpu() : 0, &one);
	if (sched_setaffinity(0, sizeof one, &one))
		perror("sched_setaffinity");
	pid_t pid = fork();               /* inherits the one-CPU affinity */
	if (pid < 0)
		return 1;
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(1);
		raise(SIGSTOP);
		child_loop();
	}
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st)) {
		fprintf(stderr, "ptrace_limit: cannot trace a child\n");
		return 1;
	}
	ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)PTRACE_O_EXITKILL);
	struct user_regs_struct r;
	for (int i = 0; i < 1000; i++)
		if (stop(pid, &r))
			goto fail;
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		if (stop(pid, &r))
			goto fail;
	double t1 = now_ns();
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	printf("ptrace_sysemu_stop_ns %.0f\n", (t1 - t0) / n);
	return 0;
fail:
	perror("ptrace_limit");
	kill(pid, SIGKILL);
	return 1;
}
