/* POSIX time and process queries: clocks, sleeps, uname, ids,
 * getrandom.  Prints one line per check (no values that differ from run
 * to run); tests/run.sh compares the output on umol4 with the native
 * run.  With argv[2] = "unsupported" it also makes a call umol4 does not
 * serve, twice (the runner checks it is reported once). */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

static int64_t ns(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int main(int argc, char **argv)
{
	set_root(argc, argv);
	struct timespec t;
	static const struct { clockid_t id; const char *name; } clocks[] = {
		{ CLOCK_REALTIME, "REALTIME" }, { CLOCK_MONOTONIC, "MONOTONIC" },
		{ CLOCK_REALTIME_COARSE, "REALTIME_COARSE" }, { CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE" },
		{ CLOCK_BOOTTIME, "BOOTTIME" }, { CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW" },
	};
	for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
		char what[64];
		snprintf(what, sizeof what, "clock_gettime %s", clocks[i].name);
		show(what, clock_gettime(clocks[i].id, &t));
	}
	show("clock_gettime 12345", clock_gettime(12345, &t));
	int64_t a = ns(CLOCK_MONOTONIC), b = ns(CLOCK_MONOTONIC);
	yes("monotonic does not go back", b >= a);
	yes("realtime after 2023", ns(CLOCK_REALTIME) / 1000000000 > 1672531200);
	struct timeval tv;
	int64_t before = ns(CLOCK_REALTIME) / 1000000000;
	show("gettimeofday", gettimeofday(&tv, NULL));
	yes("gettimeofday not before clock_gettime", tv.tv_sec >= before);
	yes("time() not before clock_gettime", time(NULL) >= before);

	a = ns(CLOCK_MONOTONIC);
	struct timespec d = { 0, 20000000 };
	show("nanosleep 20 ms", nanosleep(&d, NULL));
	yes("slept at least 20 ms", ns(CLOCK_MONOTONIC) - a >= 20000000);
	a = ns(CLOCK_MONOTONIC);
	d.tv_nsec = 10000000;
	show("clock_nanosleep relative 10 ms", clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL));
	yes("slept at least 10 ms", ns(CLOCK_MONOTONIC) - a >= 10000000);
	int64_t until = ns(CLOCK_MONOTONIC) + 15000000;
	struct timespec abs = { until / 1000000000, until % 1000000000 };
	/* clock_nanosleep returns the error number, not -1 */
	show("clock_nanosleep absolute +15 ms", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL));
	yes("woke at or after the deadline", ns(CLOCK_MONOTONIC) >= until);
	d.tv_nsec = 2000000000;
	show("nanosleep tv_nsec 2e9", nanosleep(&d, NULL));
	show("clock_nanosleep bad clock", clock_nanosleep(12345, 0, &d, NULL));

	struct utsname u;
	show("uname", uname(&u));
	printf("sysname %s, machine %s\n", u.sysname, u.machine);
	yes("release starts with a digit", u.release[0] >= '0' && u.release[0] <= '9');
	yes("getpid > 0", getpid() > 0);
	yes("getppid >= 0", getppid() >= 0);
	yes("gettid == getpid", syscall(SYS_gettid) == getpid());
	yes("getuid == geteuid", getuid() == geteuid());
	yes("getgid == getegid", getgid() == getegid());

	unsigned char r1[16], r2[16];
	show("getrandom 16", getrandom(r1, sizeof r1, 0));
	show("getrandom 16 again", getrandom(r2, sizeof r2, GRND_NONBLOCK));
	yes("two getrandom results differ", memcmp(r1, r2, sizeof r1) != 0);
	show("getrandom bad flags", getrandom(r1, sizeof r1, 0x100));

	if (argc > 2 && !strcmp(argv[2], "unsupported")) {
		syscall(SYS_mincore, 0, 0, 0);
		syscall(SYS_mincore, 0, 0, 0);
	}
	printf("done\n");
	return 0;
}
