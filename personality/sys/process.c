/* Process queries and the end of a process: ids, uname, getrandom, exit. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <l4/sys/debugger.h>
#include <l4/sys/kip.h>
#include <l4/re/env.h>
#include <l4/re/c/parent.h>
#include <l4/util/rdtsc.h>
#include "../../sdk/lib/l4re/wire.h"
#include "../posix.h"

/* One task is one process with one id: the kernel's global id of the
 * task object, unique in the whole system (threads of the task get their
 * thread objects' ids, from the same series, as tids).  The root task is
 * 1.  A program started by moe or ned is a child of the system's init,
 * so its parent is 1, as for a daemon on Linux; the root task has no
 * parent (0, as Linux's init).  The id is asked for once: the query is an
 * IPC and uses the message registers. */
long posix_pid(void)
{
	static long pid;
	if (!pid) {
		unsigned long id = posix_launched ? l4_debugger_global_id(L4_BASE_TASK_CAP) : 1;
		pid = id && id < 0x40000000UL ? (long)id : 2;
	}
	return pid;
}

POSIX_HANDLER(sys_getpid)
{
	return posix_pid();
}

POSIX_HANDLER(sys_getppid)
{
	return posix_launched ? 1 : 0;
}

/* Everything runs as root inside the system: there is nothing to protect
 * with ids until a server checks them. */
POSIX_HANDLER(sys_getid)
{
	return 0;
}

/* "Linux" as sysname: programs compare it to choose Linux behaviour,
 * which is the interface they get; release and version say umol4. */
POSIX_HANDLER(sys_uname)
{
	struct utsname *u = (struct utsname *)a1;
	if (!u)
		return -EFAULT;
	memset(u, 0, sizeof *u);
	strcpy(u->sysname, "Linux");
	strcpy(u->nodename, "umol4");
	strcpy(u->release, "6.1.0-umol4");
	strcpy(u->version, "#1 umol4 user-mode L4");
	strcpy(u->machine, "x86_64");
	strcpy(u->domainname, "(none)");
	return 0;
}

/* Not cryptographic: the TSC at each call and the AT_RANDOM bytes (if
 * the starter gave some) through splitmix64.  Different every call and
 * every run, but someone who knows the boot time can guess it. */
static uint64_t random_state;

static uint64_t splitmix64(void)
{
	uint64_t z = (random_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

POSIX_HANDLER(sys_getrandom)
{
	unsigned char *buf = (unsigned char *)a1;
	size_t len = (size_t)a2;
	if (a3 & ~(long)(GRND_NONBLOCK | GRND_RANDOM | 4 /* GRND_INSECURE */))
		return -EINVAL;
	if (len && !buf)
		return -EFAULT;
	if (len > 33554431)          /* Linux's limit per call */
		len = 33554431;
	posix_random_fill(buf, len);
	return (long)len;
}

void posix_random_fill(void *buf, size_t len)
{
	if (!random_state && posix_at_random)
		memcpy(&random_state, posix_at_random, sizeof random_state);
	random_state ^= l4_rdtsc();
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = splitmix64();
		memcpy((unsigned char *)buf + i, &v, len - i < 8 ? len - i : 8);
	}
}

/* The kernel reports the root task's code; a launched program tells its
 * parent (L4Re's _exit: Parent signal 0). */
POSIX_HANDLER(sys_exit)
{
	if (posix_launched)
		l4re_parent_signal(l4re_global_env->parent, PARENT_SIG_EXIT, (unsigned long)(a1 & 0xff));
	return posix_raw_syscall2(SYS_exit_group, a1, 0);
}

/* The thread's own FS base is a real call the stub admits. */
POSIX_HANDLER(sys_arch_prctl)
{
	return posix_raw_syscall2(SYS_arch_prctl, a1, a2);
}
