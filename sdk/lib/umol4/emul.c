/* The minimal emulation library below libc: musl's Linux system calls
 * trap (seccomp) and arrive here, in the task, as a Linux ucontext.  Enough
 * for printf (to the log), exit codes, malloc and the clock; the full
 * POSIX personality is its own piece (personality/).  Anything else fails
 * with ENOSYS.
 *
 * Two kinds of program: the root task (moe, or a test run directly) gets
 * a heap in physical memory from the kernel (AT_UMOL4_HEAP); a program a
 * launcher started gets an L4Re environment (AT_L4_ENV), and its memory
 * comes from dataspaces attached through its region manager, the itas. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <l4/sys/consts.h>
#include <l4/sys/vcon.h>
#include <l4/sys/kip.h>
#include <l4/re/env.h>
#include <l4/re/protocols.h>
#include <l4/re/c/mem_alloc.h>
#include <l4/re/c/parent.h>
#include <l4/re/c/rm.h>
#include <l4/re/c/util/cap_alloc.h>
#include "../l4re/runtime.h"
#include "../l4re/wire.h"

#define AT_UMOL4_HEAP      0xf8
#define AT_UMOL4_HEAP_SIZE 0xf9
#define UMOL4_TASK_PAGE    (UMOL4_STUB_BASE + 0x102000UL)

static uintptr_t heap_next, heap_end;

static long log_write(const char *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		unsigned n = len - done > L4_VCON_WRITE_SIZE ? L4_VCON_WRITE_SIZE : (unsigned)(len - done);
		if (l4_ipc_error(l4_vcon_send(L4_BASE_LOG_CAP, buf + done, n), l4_utcb()))
			return done ? (long)done : -EIO;
		done += n;
	}
	return (long)len;
}

/* mmap for a launched program: a dataspace of its own per mapping, so
 * that munmap gives the memory back to the allocator. */
static long ds_mmap(uintptr_t len)
{
	l4_cap_idx_t ds = l4re_util_cap_alloc();
	if (l4_is_invalid_cap(ds))
		return -ENOMEM;
	void *at = (void *)RUNTIME_HEAP_BASE;
	if (l4re_ma_alloc(len, ds, 0) < 0) {
		l4re_util_cap_free(ds);
		return -ENOMEM;
	}
	if (l4re_rm_attach(&at, len, L4RE_RM_F_RW | L4RE_RM_F_SEARCH_ADDR, ds, 0, L4_PAGESHIFT) < 0) {
		l4re_util_cap_free_um(ds);
		return -ENOMEM;
	}
	return (long)at;
}

/* Only a whole mapping releases its dataspace; a part of one is detached
 * and its pages stay allocated until the rest goes too. */
static long ds_munmap(uintptr_t addr, uintptr_t len)
{
	for (;;) {
		l4_msg_regs_t *m = l4_utcb_mr();
		m->mr[0] = RM_OP_DETACH;
		m->mr[1] = addr;
		m->mr[2] = len;
		m->mr[3] = 0;
		long r = l4_error(l4_ipc_call(l4re_env()->rm, l4_utcb(), l4_msgtag(L4RE_PROTO_RM, 4, 0, 0),
					      L4_IPC_NEVER));
		if (r < 0)
			return 0;
		if ((r & 3) == 0)
			l4re_util_cap_free_um(m->mr[2]);
		if (!(r & 4))
			return 0;
	}
}

static long raw_syscall2(long nr, long a, long b)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return r;
}

static long emulate(long nr, long a1, long a2, long a3, long a4, long a5)
{
	switch (nr) {
	case SYS_write:
		if (a1 != 1 && a1 != 2)
			return -EBADF;
		return log_write((const char *)a2, (size_t)a3);
	case SYS_writev: {
		if (a1 != 1 && a1 != 2)
			return -EBADF;
		const struct iovec *iov = (const struct iovec *)a2;
		long total = 0;
		for (long i = 0; i < a3; i++) {
			long r = log_write(iov[i].iov_base, iov[i].iov_len);
			if (r < 0)
				return total ? total : r;
			total += r;
		}
		return total;
	}
	case SYS_exit:
	case SYS_exit_group:
		/* The kernel reports the root task's code; a launched program
		 * tells its parent (L4Re's _exit: Parent signal 0). */
		if (l4re_global_env)
			l4re_parent_signal(l4re_global_env->parent, PARENT_SIG_EXIT, (unsigned long)(a1 & 0xff));
		return raw_syscall2(SYS_exit_group, a1, 0);
	case SYS_arch_prctl:
		return raw_syscall2(SYS_arch_prctl, a1, a2);
	case SYS_set_tid_address:
	case SYS_getpid:
	case SYS_gettid:
		return 1;
	case SYS_brk:
		return 0;                                      /* no brk: malloc uses mmap */
	case SYS_mmap: {
		if (!(a4 & MAP_ANONYMOUS) || (a4 & MAP_FIXED) || a1)
			return -ENOMEM;
		uintptr_t len = ((uintptr_t)a2 + 0xfff) & ~0xfffUL;
		if (l4re_global_env)
			return ds_mmap(len);
		if (len > heap_end - heap_next)
			return -ENOMEM;
		uintptr_t p = heap_next;
		heap_next += len;
		return (long)p;
	}
	case SYS_munmap:
		if (l4re_global_env)
			return ds_munmap((uintptr_t)a1, ((uintptr_t)a2 + 0xfff) & ~0xfffUL);
		return 0;
	case SYS_mprotect:
	case SYS_madvise:
	case SYS_rt_sigprocmask:
	case SYS_rt_sigaction:
		return 0;
	case SYS_ioctl:
		return -ENOTTY;
	case SYS_clock_gettime: {
		struct timespec *ts = (struct timespec *)a2;
		uint64_t ns = l4_kip_clock_ns(l4_kip());
		ts->tv_sec = ns / 1000000000;
		ts->tv_nsec = ns % 1000000000;
		return 0;
	}
	default:
		(void)a4; (void)a5;
		return -ENOSYS;
	}
}

void __umol4_emulate(ucontext_t *uc);
void __umol4_emulate(ucontext_t *uc)
{
	greg_t *g = uc->uc_mcontext.gregs;
	g[REG_RAX] = emulate(g[REG_RAX], g[REG_RDI], g[REG_RSI], g[REG_RDX], g[REG_R10], g[REG_R8]);
}

void __umol4_init(long *sp);
void __umol4_init(long *sp)
{
	long argc = sp[0];
	long *p = sp + 1 + argc + 1;
	while (*p)
		p++;
	const struct runtime_region *regions = NULL;
	for (p++; p[0]; p += 2) {
		if (p[0] == AT_UMOL4_HEAP)
			heap_next = p[1];
		else if (p[0] == AT_UMOL4_HEAP_SIZE)
			heap_end = p[1];
		else if (p[0] == AT_L4_ENV)
			l4re_global_env = (l4re_env_t *)p[1];
		else if (p[0] == AT_UMOL4_REGIONS)
			regions = (const struct runtime_region *)p[1];
	}
	heap_end += heap_next;
	*(volatile uintptr_t *)UMOL4_TASK_PAGE = (uintptr_t)__umol4_emulate;
	/* Before libc runs: its first malloc already needs the region manager. */
	if (l4re_global_env && itas_start(regions)) {
		static const char msg[] = "umol4: cannot start the region manager\n";
		l4_vcon_write(L4_BASE_LOG_CAP, msg, sizeof msg - 1);
		raw_syscall2(SYS_exit_group, 127, 0);
	}
}
