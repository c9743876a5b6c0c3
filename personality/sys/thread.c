/* Threads of a launched program: clone (as musl's pthread_create makes
 * it) as an L4 thread in the same task, thread exit with the child-tid
 * clear and wake, thread ids, the futex operations the platform does not
 * let through, and the lock that keeps the personality's handlers one at
 * a time once a second thread exists.
 *
 * Futex wait and wake themselves never get here: both platforms let a
 * task thread make them for real (they touch nothing outside the task's
 * own Linux process), so musl's mutexes, condition variables and joins
 * work between L4 threads of one task as between Linux threads. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <l4/re/consts.h>
#include <l4/re/env.h>
#include <l4/re/c/util/cap_alloc.h>
#include <l4/sys/debugger.h>
#include <l4/sys/factory.h>
#include <l4/sys/ipc.h>
#include <l4/sys/scheduler.h>
#include <l4/sys/thread.h>
#include <l4/sys/utcb.h>
#include "../../sdk/lib/l4re/runtime.h"
#include "../posix.h"

#define ARCH_SET_FS 0x1002

/* What a new thread starts with: clone's caller's registers in the order
 * the trampoline pops them, rax 0 and rsp where the return address waits
 * on the child's stack; then the TLS pointer for its FS base. */
struct thread_start {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rbx, rdi, rsi, rdx, rcx, rax, rsp;
	uint64_t tls;
	uint64_t rip;               /* for a parked thread taken again */
	uint64_t stack;
};

enum thread_state { THREAD_UNUSED, THREAD_RUNNING, THREAD_PARKED };

/* The main thread has no entry: a UTCB not in the table is the main thread's. */
struct thread {
	struct thread_start start;
	l4_utcb_t *utcb;
	l4_cap_idx_t cap;
	long tid;
	unsigned uses;              /* how often the slot's L4 thread was a new thread */
	int *clear_tid;             /* CLONE_CHILD_CLEARTID / set_tid_address */
	enum thread_state state;
	int go;                     /* futex word a parked thread waits on */
};

/* The UTCB area (64 KiB) holds 64 UTCBs; the main thread and the region
 * manager have two. */
enum { THREADS_MAX = 62 };

static struct thread threads[THREADS_MAX];
static long next_tid;
static int *main_clear_tid;
static bool threaded;           /* set for good by the first clone */
static int lock_word;           /* 0 free, 1 held, 2 held with waiters */

static long raw_futex(int *addr, long op, long val) { return runtime_futex(addr, op, val, NULL); }

/* A futex mutex on the real futex calls the stub admits. */
static void lock(void)
{
	int c = 0;
	if (__atomic_compare_exchange_n(&lock_word, &c, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	if (c != 2)
		c = __atomic_exchange_n(&lock_word, 2, __ATOMIC_ACQUIRE);
	while (c) {
		raw_futex(&lock_word, FUTEX_WAIT_PRIVATE, 2);
		c = __atomic_exchange_n(&lock_word, 2, __ATOMIC_ACQUIRE);
	}
}

static void unlock(void)
{
	if (__atomic_exchange_n(&lock_word, 0, __ATOMIC_RELEASE) == 2)
		raw_futex(&lock_word, FUTEX_WAKE_PRIVATE, 1);
}

/* The handlers' tables are not made for two threads at once; until a
 * second thread exists nothing else can run a handler, so no cost. */
void posix_lock(void)
{
	if (__atomic_load_n(&threaded, __ATOMIC_ACQUIRE))
		lock();
}

void posix_unlock(void)
{
	if (__atomic_load_n(&threaded, __ATOMIC_ACQUIRE))
		unlock();
}

static struct thread *thread_self(void)
{
	l4_utcb_t *u = l4_utcb();
	for (unsigned i = 0; i < THREADS_MAX; i++)
		if (threads[i].state == THREAD_RUNNING && threads[i].utcb == u)
			return &threads[i];
	return NULL;
}

/* A fresh L4 thread starts here with rsp = its struct thread_start: FS
 * base first (the stub admits the call), then the registers, the last pop
 * switching to the child's stack, whose top holds clone's return address. */
void posix_thread_trampoline(void) __attribute__((visibility("hidden")));
__asm__(".pushsection .text\n\t.p2align 4\n"
	".hidden posix_thread_trampoline\n"
	"posix_thread_trampoline:\n\t"
	"mov 128(%rsp), %rsi\n\t"
	"mov $0x1002, %edi\n\t"
	"mov $158, %eax\n\t"
	"syscall\n\t"
	"pop %r15\n\tpop %r14\n\tpop %r13\n\tpop %r12\n\tpop %r11\n\tpop %r10\n\t"
	"pop %r9\n\tpop %r8\n\tpop %rbp\n\tpop %rbx\n\tpop %rdi\n\tpop %rsi\n\t"
	"pop %rdx\n\tpop %rcx\n\tpop %rax\n\tpop %rsp\n\t"
	"ret\n\t.popsection\n");

static long thread_new(struct thread *t)
{
	l4re_env_t *e = l4re_env();
	l4_addr_t utcb = e->first_free_utcb;
	if (utcb + L4_UTCB_OFFSET > RUNTIME_UTCB_AREA + (1UL << RUNTIME_UTCB_ORDER))
		return -EAGAIN;
	l4_cap_idx_t cap = l4re_util_cap_alloc();
	if (l4_is_invalid_cap(cap))
		return -EAGAIN;
	if (l4_error(l4_factory_create_thread(e->factory, cap))) {
		l4re_util_cap_free(cap);
		return -EAGAIN;
	}
	e->first_free_utcb += L4_UTCB_OFFSET;
	/* As for the main thread (itas_start): the region manager pages it
	 * and sees its exceptions. */
	l4_thread_control_start();
	l4_thread_control_pager(e->rm);
	l4_thread_control_exc_handler(e->rm);
	l4_thread_control_bind((l4_utcb_t *)utcb, L4RE_THIS_TASK_CAP);
	if (l4_error(l4_thread_control_commit(cap)))
		return -EAGAIN;
	t->utcb = (l4_utcb_t *)utcb;
	t->cap = cap;
	return 0;
}

/* Start a thread thread_new made (it runs from here on). */
static long thread_run(struct thread *t)
{
	t->state = THREAD_RUNNING;
	l4_sched_param_t param = l4_sched_param(L4RE_MAIN_THREAD_PRIO, 0);
	if (l4_error(l4_thread_ex_regs(t->cap, (l4_umword_t)posix_thread_trampoline, (l4_umword_t)&t->start, 0)) ||
	    l4_error(l4_scheduler_run_thread(l4re_env()->scheduler, t->cap, &param))) {
		t->state = THREAD_UNUSED;
		t->utcb = NULL;
		return -EAGAIN;
	}
	return 0;
}

/* clone for a thread: the flags musl's pthread_create gives (and fewer
 * sharing ones are refused: no processes yet). */
static long thread_clone(greg_t *g)
{
	unsigned long flags = (unsigned long)g[REG_RDI];
	const unsigned long need = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD;
	if ((flags & need) != need || !posix_launched)
		return -ENOSYS;
	uint64_t stack = (uint64_t)g[REG_RSI];
	if (!stack || (stack & 7))
		return -EINVAL;
	__atomic_store_n(&threaded, true, __ATOMIC_RELEASE);
	lock();
	struct thread *t = NULL;
	for (unsigned i = 0; i < THREADS_MAX && !t; i++)
		if (threads[i].state == THREAD_PARKED)
			t = &threads[i];
	for (unsigned i = 0; i < THREADS_MAX && !t; i++)
		if (threads[i].state == THREAD_UNUSED)
			t = &threads[i];
	if (!t) {
		unlock();
		return -EAGAIN;
	}
	struct thread_start *s = &t->start;
	s->r15 = g[REG_R15]; s->r14 = g[REG_R14]; s->r13 = g[REG_R13]; s->r12 = g[REG_R12];
	s->r11 = g[REG_R11]; s->r10 = g[REG_R10]; s->r9 = g[REG_R9]; s->r8 = g[REG_R8];
	s->rbp = g[REG_RBP]; s->rbx = g[REG_RBX]; s->rdi = g[REG_RDI]; s->rsi = g[REG_RSI];
	s->rdx = g[REG_RDX]; s->rcx = g[REG_RCX]; s->rax = 0;
	s->rip = g[REG_RIP];
	s->stack = stack;
	s->rsp = stack - 8;
	s->tls = flags & CLONE_SETTLS ? (uint64_t)g[REG_R8] : 0;
	*(uint64_t *)(stack - 8) = s->rip;
	/* A new slot gets its L4 thread now, not yet running, so that its
	 * tid is known and written before the thread can look at it. */
	long r = t->state == THREAD_PARKED ? 0 : thread_new(t);
	if (r < 0) {
		unlock();
		return r;
	}
	/* The thread object's global id, unique among all tasks' pids and
	 * tids (posix_pid); each reuse of a parked L4 thread is a new thread
	 * with a new tid: the id plus its reuse count above bit 20. */
	unsigned long gid = l4_debugger_global_id(t->cap);
	unsigned long gen = t->uses++ & 0x3ff;
	long tid = t->tid = gid && gid < (1UL << 20) ? (long)(gid + (gen << 20)) : posix_pid() + 0x100000 + ++next_tid;
	t->clear_tid = flags & CLONE_CHILD_CLEARTID ? (int *)g[REG_R10] : NULL;
	if (flags & CLONE_PARENT_SETTID)
		*(int *)g[REG_RDX] = (int)tid;
	if (flags & CLONE_CHILD_SETTID)
		*(int *)g[REG_R10] = (int)tid;
	if (t->state == THREAD_PARKED) {
		t->state = THREAD_RUNNING;
		__atomic_store_n(&t->go, 1, __ATOMIC_RELEASE);
		raw_futex(&t->go, FUTEX_WAKE_PRIVATE, 1);
	} else {
		r = thread_run(t);
	}
	unlock();
	return r < 0 ? r : tid;
}

/* exit of one thread: clear and wake the child-tid word (what a join
 * waits for), then park.  An L4 thread cannot end itself here (the
 * platform lets no Linux exit of a single thread through), so it waits
 * to become the next clone's thread, which keeps the UTCBs from running
 * out.  The main thread's exit ends the program, as before. */
static void thread_exit(greg_t *g)
{
	lock();
	struct thread *t = thread_self();
	if (!t) {
		unlock();
		g[REG_RAX] = sys_exit(g[REG_RDI], 0, 0, 0, 0, 0);
		return;
	}
	if (t->clear_tid) {
		__atomic_store_n(t->clear_tid, 0, __ATOMIC_RELEASE);
		raw_futex(t->clear_tid, FUTEX_WAKE, 1);
	}
	t->go = 0;
	t->state = THREAD_PARKED;
	unlock();
	while (!__atomic_load_n(&t->go, __ATOMIC_ACQUIRE))
		raw_futex(&t->go, FUTEX_WAIT_PRIVATE, 0);
	/* Taken again by thread_clone: become that clone's child. */
	const struct thread_start *s = &t->start;
	posix_raw_syscall2(SYS_arch_prctl, ARCH_SET_FS, (long)s->tls);
	g[REG_R15] = s->r15; g[REG_R14] = s->r14; g[REG_R13] = s->r13; g[REG_R12] = s->r12;
	g[REG_R11] = s->r11; g[REG_R10] = s->r10; g[REG_R9] = s->r9; g[REG_R8] = s->r8;
	g[REG_RBP] = s->rbp; g[REG_RBX] = s->rbx; g[REG_RDI] = s->rdi; g[REG_RSI] = s->rsi;
	g[REG_RDX] = s->rdx; g[REG_RCX] = s->rcx; g[REG_RAX] = 0;
	g[REG_RSP] = s->stack;
	g[REG_RIP] = s->rip;
}

bool posix_thread_call(long long *g)
{
	switch (g[REG_RAX]) {
	case SYS_clone:
		g[REG_RAX] = thread_clone(g);
		return true;
	case SYS_exit:
		thread_exit(g);
		return true;
	default:
		return false;
	}
}

/* The main thread's id is the process id, as on Linux. */
POSIX_HANDLER(sys_gettid)
{
	struct thread *t = thread_self();
	return t ? t->tid : sys_getpid(0, 0, 0, 0, 0, 0);
}

POSIX_HANDLER(sys_set_tid_address)
{
	struct thread *t = thread_self();
	if (t)
		t->clear_tid = (int *)a1;
	else
		main_clear_tid = (int *)a1;
	return sys_gettid(0, 0, 0, 0, 0, 0);
}

/* The futex operations that reach the emulation (the platform admits
 * wait and wake).  A requeue wakes instead: futex waiters must take any
 * wake-up as possibly spurious and look again, which musl's do. */
POSIX_HANDLER(sys_futex)
{
	int *addr = (int *)a1;
	switch (a2 & FUTEX_CMD_MASK) {
	case FUTEX_CMP_REQUEUE:
		if (__atomic_load_n(addr, __ATOMIC_ACQUIRE) != (int)a6)
			return -EAGAIN;
		/* fall through */
	case FUTEX_REQUEUE: {
		long n = a3 + a4;
		return raw_futex(addr, FUTEX_WAKE | (a2 & FUTEX_PRIVATE_FLAG), n < 0 || n > INT_MAX ? INT_MAX : n);
	}
	default:
		posix_report_unsupported(SYS_futex);
		return -ENOSYS;
	}
}

POSIX_HANDLER(sys_sched_yield)
{
	l4_thread_yield();
	return 0;
}
