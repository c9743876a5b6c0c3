/* Per-call cost of POSIX calls, built for umol4 and natively: getpid,
 * clock_gettime, write to /dev/null, pread of 4 KiB from a /tmp file,
 * open+close, and a raw system call nobody serves (on umol4: the trap
 * into the emulation library and back, the least any call costs).
 * Prints "name ns-per-call" lines; bench/posix.sh puts them side by side.
 * Paths are relative ("tmp/..."), so the native run works in a directory
 * that has a tmp/. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static long raw_unserved(void)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(500L) : "rcx", "r11", "memory");
	return r;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20000;
	static char buf[4096];
	int null = open("/dev/null", O_WRONLY);
	int fd = open("tmp/bench", O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (null < 0 || fd < 0 || write(fd, buf, sizeof buf) != sizeof buf) {
		printf("setup failed\n");
		return 1;
	}
	raw_unserved();                  /* the first one is reported on umol4 */
	struct timespec ts;
	double t;
#define MEASURE(name, expr) \
	t = now(); \
	for (int i = 0; i < n; i++) \
		expr; \
	printf("%s %.0f\n", name, (now() - t) / n); \
	fflush(stdout)
	MEASURE("trap", raw_unserved());
	MEASURE("getpid", syscall(SYS_getpid));
	MEASURE("clock_gettime", clock_gettime(CLOCK_MONOTONIC, &ts));
	MEASURE("write_devnull", write(null, buf, 64));
	MEASURE("pread_4k", pread(fd, buf, sizeof buf, 0));
	MEASURE("open_close", close(open("tmp/bench", O_RDONLY)));
	unlink("tmp/bench");
	return 0;
}
