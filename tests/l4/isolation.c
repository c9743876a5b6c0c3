/* Adversarial: raw Linux system calls from an L4 task must not reach the
 * host.  With the emulation library they come back as errors; the test
 * runner checks that nothing appeared on the host.  Finally the program
 * switches emulation off and makes one more call: the kernel must stop
 * the task (exit 128+11) and stay up. */
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include "l4test.h"

static long raw(long nr, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/tmp/umol4-isolation-probe";
	CHECK(raw(SYS_open, (long)path, O_CREAT | O_WRONLY, 0644) < 0, "open(O_CREAT) of a host file fails");
	CHECK(raw(SYS_socket, AF_INET, SOCK_STREAM, 0) < 0, "socket() fails");
	CHECK(raw(SYS_kill, 1, SIGKILL, 0) < 0, "kill(1) fails");
	CHECK(raw(SYS_ptrace, 16 /* ATTACH */, 1, 0) < 0, "ptrace(ATTACH) fails");
	CHECK(raw(SYS_fork, 0, 0, 0) < 0, "fork() fails");
	CHECK(raw(SYS_execve, (long)"/bin/true", 0, 0) < 0, "execve() fails");
	/* The stub's code must stay read-only: a write faults (checked by the runner's exit code). */
	fflush(stdout);
	if (l4test_failed)
		return 1;
	/* Without emulation the next system call is an exception: the task ends. */
	*(volatile unsigned long *)0x7e0000102000UL = 0;
	raw(SYS_getpid, 0, 0, 0);
	printf("not ok - still running after an unemulated system call\n");
	return 1;
}
