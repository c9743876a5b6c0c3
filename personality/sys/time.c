/* Clocks and sleeping.  Every clock reads the KIP clock (the host's
 * CLOCK_MONOTONIC scaled from the TSC, no kernel entry); the wall clock
 * adds the offset the kernel put into the KIP at boot.  Sleeps are IPC
 * receive timeouts, repeated until the clock has passed the deadline,
 * because a timeout rounds its period down and may end early. */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/time.h>
#include <time.h>
#include <l4/sys/kip.h>
#include <l4/util/util.h>
#include "../posix.h"

#define NS_PER_S 1000000000ULL

/* The clock's time in ns, or -EINVAL for a clock we do not have. */
static long long clock_ns(long clock)
{
	switch (clock) {
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		return (long long)l4_kip_clock_ns(l4_kip());
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		return (long long)(l4_kip_clock_ns(l4_kip()) + umol4_kip_realtime_offset_ns(l4_kip()));
	default:
		return -EINVAL;
	}
}

POSIX_HANDLER(sys_clock_gettime)
{
	long long ns = clock_ns(a1);
	if (ns < 0)
		return ns;
	struct timespec *ts = (struct timespec *)a2;
	if (!ts)
		return -EFAULT;
	ts->tv_sec = (time_t)(ns / NS_PER_S);
	ts->tv_nsec = (long)(ns % NS_PER_S);
	return 0;
}

POSIX_HANDLER(sys_clock_getres)
{
	if (clock_ns(a1) < 0)
		return -EINVAL;
	struct timespec *ts = (struct timespec *)a2;
	if (ts) {
		ts->tv_sec = 0;
		ts->tv_nsec = 1;
	}
	return 0;
}

POSIX_HANDLER(sys_gettimeofday)
{
	struct timeval *tv = (struct timeval *)a1;
	if (tv) {
		long long ns = clock_ns(CLOCK_REALTIME);
		tv->tv_sec = (time_t)(ns / NS_PER_S);
		tv->tv_usec = (long)(ns % NS_PER_S / 1000);
	}
	return 0;
}

POSIX_HANDLER(sys_time)
{
	time_t t = (time_t)(clock_ns(CLOCK_REALTIME) / (long long)NS_PER_S);
	if (a1)
		*(time_t *)a1 = t;
	return (long)t;
}

static long sleep_until(long clock, long long deadline)
{
	for (;;) {
		long long now = clock_ns(clock);
		if (now >= deadline)
			return 0;
		/* +1: the timeout counts whole microseconds, rounded down */
		l4_usleep((unsigned long long)(deadline - now) / 1000 + 1);
	}
}

static long sleep_checked(long clock, long flags, const struct timespec *req)
{
	if (!req)
		return -EFAULT;
	if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= (long)NS_PER_S)
		return -EINVAL;
	long long now = clock_ns(clock);
	if (now < 0)
		return -EINVAL;
	long long t = (long long)req->tv_sec * (long long)NS_PER_S + req->tv_nsec;
	return sleep_until(clock, flags & TIMER_ABSTIME ? t : now + t);
}

POSIX_HANDLER(sys_nanosleep)
{
	long r = sleep_checked(CLOCK_MONOTONIC, 0, (const struct timespec *)a1);
	if (r == 0 && a2) {
		struct timespec *rem = (struct timespec *)a2;
		rem->tv_sec = 0;
		rem->tv_nsec = 0;
	}
	return r;
}

POSIX_HANDLER(sys_clock_nanosleep)
{
	/* Linux sleeps on no CPU-time clock either */
	if (a2 & ~(long)TIMER_ABSTIME)
		return -EINVAL;
	return sleep_checked(a1, a2, (const struct timespec *)a3);
}
