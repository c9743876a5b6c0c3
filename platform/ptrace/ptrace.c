/* The ptrace platform, kernel side: the design of the UMOL4 paper.  The
 * kernel traces every task process like a debugger.  Each thread runs
 * under PTRACE_SYSEMU, so every system call it makes stops it before Linux
 * sees it; the stop's instruction pointer says whether it was l4_ipc()
 * (the stub's entry), the end of an emulated call, or a Linux system call
 * of the program.  Faults arrive as signal stops.  Address-space changes
 * and new threads are system calls the tracer makes the task's first
 * thread (the leader, which never runs task code) execute in the stub.
 *
 * Threads: ptrace requests are only accepted from the tracing thread, so
 * one tracer thread forks every task process and makes every ptrace call;
 * the other kernel threads hand it requests through a queue.  A waiter
 * thread sits in waitpid() and queues each stop or exit for the tracer,
 * so the tracer never blocks in waitpid while a request waits. */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#include "platform.h"
#include "host.h"
#include "seccomp/layout.h"
#include "stub.h"

#define PT_SIG_KICK SIGURG       /* ignored by default, never used by L4 code */
#define EXIT_NO_PTRACE 73

/* A thread's slot in kernel-user memory (STUB_SLOT_ADDR + i * STUB_SLOT_SIZE):
 *   +0       the UTCB address (%gs points here, so %gs:0 is the UTCB)
 *   +8       a stack_t for sigaltstack, written by the tracer
 *   ALT      the signal stack where Linux builds fault frames
 *   EMUL     the stack on which the emulation library runs */
#define SLOT_ALTSTACK_DESC 8
#define SLOT_ALT_OFF       UMOL4_UL(0x1000)
#define SLOT_ALT_SIZE      UMOL4_UL(0x7000)
#define SLOT_EMUL_OFF      UMOL4_UL(0x8000)

enum pt_state {
	T_NEW,            /* cloned, its first stop (SIGSTOP) not yet seen */
	T_BIRTH_SETUP,    /* running sigaltstack in the stub before its birth */
	T_RUNNING,        /* under PTRACE_SYSEMU */
	T_REAL,           /* running one permitted system call for real (PTRACE_CONT) */
	T_FAULT,          /* a fault signal is being delivered to the stub's handler */
	T_EXITED,
};

struct pt_op { long nr; uint64_t arg[6]; };

struct plat_space {
	pid_t pid;
	int ku_fd;
	uint8_t *ku;
	uint64_t ku_next;
	uint64_t slots[STUB_MAX_SLOTS / 64];
	atomic_bool dead;
	struct user_regs_struct leader;   /* the leader's registers at its resting stop */
	struct pt_op *ops;                /* queued address-space changes */
	unsigned nops, cap;
	struct plat_thread *threads;      /* under lists_lock */
	struct plat_space *next;
	char name[16];
};

struct plat_thread {
	struct plat_space *space;
	pid_t tid;
	unsigned slot;
	uint8_t *slot_k;
	uintptr_t slot_u;
	/* Hand-off to the kernel thread: the tracer fills entry, then bumps
	 * entry_seq; one entry at a time, since the thread stays stopped. */
	_Atomic uint32_t entry_seq;
	uint32_t seen_seq;
	struct plat_entry entry;
	atomic_bool gone;
	/* Owned by the tracer thread. */
	enum pt_state state;
	bool reported;                    /* stopped, waiting for the kernel */
	bool released;
	struct user_regs_struct stop;     /* registers at the current stop */
	uint64_t cur[PREG_COUNT];         /* registers as reported to the kernel */
	uint64_t real_ret;                /* where a permitted system call returns */
	struct plat_thread *next;
};

enum req_kind { REQ_SPACE_CREATE, REQ_SPACE_DESTROY, REQ_SYNC, REQ_THREAD_CREATE, REQ_RESUME, REQ_RELEASE };

struct request {
	enum req_kind kind;
	struct plat_space *space;
	struct plat_thread *thread;
	const char *name;
	uintptr_t utcb;
	bool fast, async, enter;
	uint64_t tag, label, mask;
	uint64_t regs[PREG_COUNT];
	int result;
	sem_t done;
};

/* One queue entry: a request, or a wait status from the waiter. */
struct item {
	struct item *next;
	struct request *req;
	pid_t pid;
	int status;
};

static int stub_fd = -1;
static pthread_t tracer, waiter;
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_cond = PTHREAD_COND_INITIALIZER, fork_cond = PTHREAD_COND_INITIALIZER;
static struct item *queue_head, **queue_tail = &queue_head;
static struct item *deferred_head, **deferred_tail = &deferred_head;   /* tracer only */
static unsigned forks;                 /* bumped after each fork, for the waiter */
static pthread_mutex_t lists_lock = PTHREAD_MUTEX_INITIALIZER;
static struct plat_space *spaces;

/* Processes that ended, for the supervisor (plat_reaped). */
struct reaped { struct reaped *next; int pid, status; };
static struct reaped *reaped_list;
static pthread_mutex_t reaped_lock = PTHREAD_MUTEX_INITIALIZER;

static long futex(void *addr, int op, uint32_t val)
{
	return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

/* ---- the queue ---------------------------------------------------------- */

static void queue_put(struct item *it)
{
	it->next = NULL;
	pthread_mutex_lock(&queue_lock);
	*queue_tail = it;
	queue_tail = &it->next;
	pthread_cond_signal(&queue_cond);
	pthread_mutex_unlock(&queue_lock);
}

static struct item *queue_get(void)
{
	pthread_mutex_lock(&queue_lock);
	while (!queue_head)
		pthread_cond_wait(&queue_cond, &queue_lock);
	struct item *it = queue_head;
	if (!(queue_head = it->next))
		queue_tail = &queue_head;
	pthread_mutex_unlock(&queue_lock);
	return it;
}

static void defer(struct item *it)
{
	it->next = NULL;
	*deferred_tail = it;
	deferred_tail = &it->next;
}

static struct item *next_item(void)
{
	struct item *it = deferred_head;
	if (!it)
		return queue_get();
	if (!(deferred_head = it->next))
		deferred_tail = &deferred_head;
	return it;
}

/* Wait for the next stop or exit of one traced thread; everything else
 * that arrives meanwhile is kept, in order, for the main loop. */
static int wait_stop(pid_t tid)
{
	for (struct item **p = &deferred_head; *p; p = &(*p)->next)
		if (!(*p)->req && (*p)->pid == tid) {
			struct item *it = *p;
			if (!(*p = it->next))
				deferred_tail = p;
			int st = it->status;
			free(it);
			return st;
		}
	for (;;) {
		struct item *it = queue_get();
		if (!it->req && it->pid == tid) {
			int st = it->status;
			free(it);
			return st;
		}
		defer(it);
	}
}

static int request_run(struct request *r)
{
	struct item *it = calloc(1, sizeof *it);
	if (!it)
		return -ENOMEM;
	it->req = r;
	if (r->async) {
		queue_put(it);
		return 0;
	}
	sem_init(&r->done, 0, 0);
	queue_put(it);
	while (sem_wait(&r->done) && errno == EINTR)
		;
	sem_destroy(&r->done);
	return r->result;
}

static void *waiter_main(void *arg)
{
	unsigned seen = 0;
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, __WALL);
		if (pid > 0) {
			struct item *it = calloc(1, sizeof *it);
			if (!it)
				continue;     /* a lost stop leaves that thread stopped */
			it->pid = pid;
			it->status = st;
			queue_put(it);
			continue;
		}
		if (errno == EINTR)
			continue;
		/* No children: wait until the tracer forks one. */
		pthread_mutex_lock(&queue_lock);
		while (seen == forks)
			pthread_cond_wait(&fork_cond, &queue_lock);
		seen = forks;
		pthread_mutex_unlock(&queue_lock);
	}
	return NULL;
}

/* ---- registers ------------------------------------------------------------ */

static void regs_from_user(uint64_t *r, const struct user_regs_struct *u)
{
	memset(r, 0, PREG_COUNT * sizeof *r);
	r[PREG_R15] = u->r15; r[PREG_R14] = u->r14; r[PREG_R13] = u->r13; r[PREG_R12] = u->r12;
	r[PREG_R11] = u->r11; r[PREG_R10] = u->r10; r[PREG_R9] = u->r9; r[PREG_R8] = u->r8;
	r[PREG_RDI] = u->rdi; r[PREG_RSI] = u->rsi; r[PREG_RBP] = u->rbp; r[PREG_RBX] = u->rbx;
	r[PREG_RDX] = u->rdx; r[PREG_RCX] = u->rcx; r[PREG_RAX] = u->rax;
	r[PREG_IP] = u->rip; r[PREG_CS] = u->cs; r[PREG_FLAGS] = u->eflags; r[PREG_SP] = u->rsp;
	r[PREG_SS] = u->ss; r[PREG_FS_BASE] = u->fs_base; r[PREG_GS_BASE] = u->gs_base;
}

/* The general registers of a Linux ucontext (signal frame, emulation). */
static void regs_from_gregs(uint64_t *r, const greg_t *g)
{
	r[PREG_R8] = g[REG_R8]; r[PREG_R9] = g[REG_R9]; r[PREG_R10] = g[REG_R10]; r[PREG_R11] = g[REG_R11];
	r[PREG_R12] = g[REG_R12]; r[PREG_R13] = g[REG_R13]; r[PREG_R14] = g[REG_R14]; r[PREG_R15] = g[REG_R15];
	r[PREG_RDI] = g[REG_RDI]; r[PREG_RSI] = g[REG_RSI]; r[PREG_RBP] = g[REG_RBP]; r[PREG_RBX] = g[REG_RBX];
	r[PREG_RDX] = g[REG_RDX]; r[PREG_RAX] = g[REG_RAX]; r[PREG_RCX] = g[REG_RCX]; r[PREG_SP] = g[REG_RSP];
	r[PREG_IP] = g[REG_RIP]; r[PREG_FLAGS] = g[REG_EFL];
}

/* The user registers of r on top of base (segments stay Linux's); no
 * system call is pending afterwards, so Linux restarts nothing. */
static struct user_regs_struct user_from_regs(const uint64_t *r, const struct user_regs_struct *base)
{
	struct user_regs_struct u = *base;
	u.r15 = r[PREG_R15]; u.r14 = r[PREG_R14]; u.r13 = r[PREG_R13]; u.r12 = r[PREG_R12];
	u.r11 = r[PREG_R11]; u.r10 = r[PREG_R10]; u.r9 = r[PREG_R9]; u.r8 = r[PREG_R8];
	u.rdi = r[PREG_RDI]; u.rsi = r[PREG_RSI]; u.rbp = r[PREG_RBP]; u.rbx = r[PREG_RBX];
	u.rdx = r[PREG_RDX]; u.rcx = r[PREG_RCX]; u.rax = r[PREG_RAX];
	u.rip = r[PREG_IP]; u.rsp = r[PREG_SP];
	/* Only the arithmetic flags, TF and DF are the thread's to set. */
	u.eflags = (base->eflags & ~0xdd5UL) | (r[PREG_FLAGS] & 0xdd5UL);
	/* Linux refuses bases outside the user half. */
	if (r[PREG_FS_BASE] < UMOL4_USER_END)
		u.fs_base = r[PREG_FS_BASE];
	if (r[PREG_GS_BASE] <= STUB_AREA_END)
		u.gs_base = r[PREG_GS_BASE];
	u.orig_rax = ~0UL;
	return u;
}

/* ---- the leader: system calls on the task's behalf ------------------------ */

static void space_gone(struct plat_space *s, int status);

/* Let the stopped leader run from r until it traps with its IP at
 * done_ip; r then holds its registers there.  -ESRCH if it is gone. */
static int run_leader(struct plat_space *s, struct user_regs_struct *r, uint64_t done_ip)
{
	if (atomic_load(&s->dead))
		return -ESRCH;
	r->orig_rax = ~0UL;
	if (ptrace(PTRACE_SETREGS, s->pid, NULL, r) || ptrace(PTRACE_CONT, s->pid, NULL, NULL))
		return -ESRCH;
	for (;;) {
		int st = wait_stop(s->pid);
		if (!WIFSTOPPED(st)) {
			space_gone(s, st);
			return -ESRCH;
		}
		if (WSTOPSIG(st) == SIGTRAP && !(st >> 16) &&
		    !ptrace(PTRACE_GETREGS, s->pid, NULL, r) && r->rip == done_ip)
			return 0;
		/* An event stop inside the call (clone), or a signal from
		 * outside: it has no business with the leader. */
		if (ptrace(PTRACE_CONT, s->pid, NULL, NULL))
			return -ESRCH;
	}
}

/* Run one system call in the stopped leader and return its result.  The
 * leader rests in the trap after the stub's `syscall; int3`. */
static long inject(struct plat_space *s, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
		   uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct user_regs_struct r = s->leader;
	r.rip = PSTUB_ADDR(PSTUB_SYSCALL);
	r.rax = nr;
	r.rdi = a0; r.rsi = a1; r.rdx = a2; r.r10 = a3; r.r8 = a4; r.r9 = a5;
	int e = run_leader(s, &r, PSTUB_ADDR(PSTUB_SYSCALL_DONE));
	return e ? e : (long)r.rax;
}

/* ---- reporting to the kernel thread ---------------------------------------- */

/* Fill the entry from t->cur (plus what fill adds), then wake the kernel
 * thread: it copies the entry as soon as the sequence number moves. */
static void post_entry(struct plat_thread *t, enum plat_entry_kind kind, uint64_t syscall_nr,
		       const struct user_regs_struct *l4)
{
	struct plat_entry *e = &t->entry;
	memset(e, 0, sizeof *e);
	e->kind = kind;
	memcpy(e->regs, t->cur, sizeof e->regs);
	e->ip = t->cur[PREG_IP];
	e->sp = t->cur[PREG_SP];
	e->syscall_nr = syscall_nr;
	if (l4) {
		e->tag = l4->orig_rax;
		e->dest = l4->rdx;
		e->label = l4->rsi;
		e->timeout = l4->r8;
		e->sp = l4->rsp + 136;    /* above the red zone the caller skipped */
	}
	t->reported = true;
	atomic_fetch_add(&t->entry_seq, 1);
	futex(&t->entry_seq, FUTEX_WAKE_PRIVATE, 1);
}

static void post(struct plat_thread *t, enum plat_entry_kind kind, uint64_t syscall_nr)
{
	post_entry(t, kind, syscall_nr, NULL);
}

static void resume(struct plat_thread *t, int request)
{
	if (ptrace(request, t->tid, NULL, NULL))
		t->state = T_EXITED;      /* killed meanwhile; its exit follows */
}

static void report_l4_syscall(struct plat_thread *t)
{
	const struct user_regs_struct *r = &t->stop;
	regs_from_user(t->cur, r);
	/* The state after l4_ipc() returns: ip/sp popped, tag in rax. */
	t->cur[PREG_RAX] = r->orig_rax;
	t->cur[PREG_IP] = r->rdi;
	t->cur[PREG_SP] = r->rsp + 8;
	post_entry(t, PLAT_ENTRY_SYSCALL, ~0ULL, r);
}

/* A Linux system call nobody emulates: a general protection fault on the
 * instruction, as on the seccomp platform. */
static void report_refused_syscall(struct plat_thread *t)
{
	regs_from_user(t->cur, &t->stop);
	t->cur[PREG_RAX] = t->stop.orig_rax;
	t->cur[PREG_IP] = t->stop.rip - 2;
	t->cur[PREG_TRAPNO] = 13;
	t->cur[PREG_ERR] = 0;
	post(t, PLAT_ENTRY_EXCEPTION, t->stop.orig_rax);
}

/* A fault without the signal frame (single step, breakpoint, or a frame
 * Linux could not build): what the signal information tells. */
static void report_siginfo(struct plat_thread *t, int sig)
{
	siginfo_t si;
	memset(&si, 0, sizeof si);
	ptrace(PTRACE_GETSIGINFO, t->tid, NULL, &si);
	regs_from_user(t->cur, &t->stop);
	uint64_t trapno = 13, err = 0, addr = (uint64_t)si.si_addr;
	switch (sig) {
	case SIGTRAP:
		trapno = si.si_code == SI_KERNEL || si.si_code == TRAP_BRKPT ? 3 : 1;
		break;
	case SIGSEGV:
	case SIGBUS:
		if (si.si_code == SI_KERNEL)
			break;
		trapno = sig == SIGBUS && si.si_code == BUS_ADRALN ? 17 : 14;
		t->cur[PREG_PFA] = addr;
		err = 4 | (si.si_code == SEGV_ACCERR ? 1 : 0) | (addr == t->stop.rip ? 0x10 : 0);
		break;
	case SIGILL: trapno = 6; break;
	case SIGFPE: trapno = si.si_code == FPE_INTDIV ? 0 : 16; break;
	default: break;
	}
	t->cur[PREG_TRAPNO] = trapno;
	t->cur[PREG_ERR] = err;
	t->state = T_RUNNING;
	post(t, PLAT_ENTRY_EXCEPTION, ~0ULL);
}

/* The stub's fault handler trapped: Linux's signal frame on the slot's
 * signal stack holds the faulting registers, error code and address. */
static void report_fault_frame(struct plat_thread *t)
{
	uint64_t uc_u = t->stop.rdx;
	size_t need = offsetof(ucontext_t, uc_sigmask);
	if (uc_u < t->slot_u + SLOT_ALT_OFF || uc_u + need > t->slot_u + SLOT_ALT_OFF + SLOT_ALT_SIZE) {
		report_siginfo(t, SIGSEGV);
		return;
	}
	ucontext_t uc;
	memcpy(&uc, t->slot_k + (uc_u - t->slot_u), need);
	const greg_t *g = uc.uc_mcontext.gregs;
	regs_from_user(t->cur, &t->stop);
	uint64_t *r = t->cur;
	regs_from_gregs(r, g);
	r[PREG_TRAPNO] = g[REG_TRAPNO]; r[PREG_ERR] = g[REG_ERR]; r[PREG_PFA] = g[REG_CR2];
	t->state = T_RUNNING;
	post(t, PLAT_ENTRY_EXCEPTION, ~0ULL);
}

/* ---- Linux system calls of task threads ------------------------------------- */

/* The calls the seccomp platform's L4 filter lets through: they touch
 * nothing outside the task. */
static bool permitted(const struct user_regs_struct *r)
{
	switch (r->orig_rax) {
	case SYS_futex:
		switch (r->rsi & 0x7f) {
		case FUTEX_WAIT: case FUTEX_WAKE: case FUTEX_WAIT_BITSET: case FUTEX_WAKE_BITSET:
			return true;
		}
		return false;
	case SYS_arch_prctl:
		return r->rdi >= 0x1001 && r->rdi <= 0x1004;    /* set/get own FS/GS base */
	case SYS_exit_group:
		return true;
	default:
		return false;
	}
}

/* Let the thread make the call for real: the stub's `syscall; int3` with
 * the thread's own arguments, then back to where it was. */
static void run_permitted(struct plat_thread *t)
{
	struct user_regs_struct r = t->stop;
	t->real_ret = r.rip;
	r.rax = r.orig_rax;
	r.orig_rax = ~0UL;
	r.rip = PSTUB_ADDR(PSTUB_SYSCALL);
	if (ptrace(PTRACE_SETREGS, t->tid, NULL, &r))
		return;
	t->state = T_REAL;
	resume(t, PTRACE_CONT);
}

/* Hand the call to the task's emulation library with a Linux ucontext on
 * the slot's emulation stack, as the seccomp stub's SIGSYS handler does. */
static bool run_emulation(struct plat_thread *t, uint64_t entry)
{
	const struct user_regs_struct *r = &t->stop;
	uint64_t low = t->slot_u + SLOT_EMUL_OFF, top = t->slot_u + STUB_SLOT_SIZE;
	if (r->rsp > low && r->rsp <= top)
		top = r->rsp - 128;           /* a call from inside the library: nest below */
	uint64_t uc_u = (top - sizeof(ucontext_t)) & ~63UL;
	if (uc_u < low + 0x2000)
		return false;
	ucontext_t *uc = (ucontext_t *)(t->slot_k + (uc_u - t->slot_u));
	memset(uc, 0, sizeof *uc);
	greg_t *g = uc->uc_mcontext.gregs;
	g[REG_R8] = r->r8; g[REG_R9] = r->r9; g[REG_R10] = r->r10; g[REG_R11] = r->r11;
	g[REG_R12] = r->r12; g[REG_R13] = r->r13; g[REG_R14] = r->r14; g[REG_R15] = r->r15;
	g[REG_RDI] = r->rdi; g[REG_RSI] = r->rsi; g[REG_RBP] = r->rbp; g[REG_RBX] = r->rbx;
	g[REG_RDX] = r->rdx; g[REG_RAX] = r->orig_rax; g[REG_RCX] = r->rcx; g[REG_RSP] = r->rsp;
	g[REG_RIP] = r->rip; g[REG_EFL] = r->eflags; g[REG_CSGSFS] = r->cs;
	struct user_regs_struct n = *r;
	n.rip = PSTUB_ADDR(PSTUB_EMULATE);
	n.rsp = uc_u;
	n.rdi = uc_u;
	n.rsi = entry;
	n.orig_rax = ~0UL;
	if (ptrace(PTRACE_SETREGS, t->tid, NULL, &n))
		return true;
	t->state = T_RUNNING;
	resume(t, PTRACE_SYSEMU);
	return true;
}

/* The library returned: load what it left in the ucontext, as sigreturn would. */
static void finish_emulation(struct plat_thread *t)
{
	uint64_t uc_u = t->stop.rdi;
	if (uc_u < t->slot_u + SLOT_EMUL_OFF || uc_u + sizeof(ucontext_t) > t->slot_u + STUB_SLOT_SIZE) {
		report_refused_syscall(t);
		return;
	}
	ucontext_t uc;
	memcpy(&uc, t->slot_k + (uc_u - t->slot_u), sizeof uc);
	const greg_t *g = uc.uc_mcontext.gregs;
	uint64_t r[PREG_COUNT];
	regs_from_user(r, &t->stop);
	regs_from_gregs(r, g);
	struct user_regs_struct n = user_from_regs(r, &t->stop);
	if (ptrace(PTRACE_SETREGS, t->tid, NULL, &n))
		return;
	resume(t, PTRACE_SYSEMU);
}

static void syscall_stop(struct plat_thread *t)
{
	uint64_t ip = t->stop.rip;
	if (t->state == T_FAULT && ip == PSTUB_ADDR(PSTUB_FAULT_AFTER)) {
		report_fault_frame(t);
		return;
	}
	t->state = T_RUNNING;
	if (ip == PSTUB_ADDR(PSTUB_L4_AFTER)) {
		report_l4_syscall(t);
		return;
	}
	if (ip == PSTUB_ADDR(PSTUB_EMUL_AFTER)) {
		finish_emulation(t);
		return;
	}
	if (permitted(&t->stop)) {
		run_permitted(t);
		return;
	}
	/* The task page is the task's own memory: read the entry once. */
	uint64_t emul = __atomic_load_n((uint64_t *)(t->space->ku + STUB_TASK_OFF), __ATOMIC_RELAXED);
	if (emul && run_emulation(t, emul))
		return;
	report_refused_syscall(t);
}

/* A new thread's first stop: give it its signal stack (a per-thread
 * setting, so the thread itself must make the call) and its %gs. */
static void birth_setup(struct plat_thread *t)
{
	struct user_regs_struct r = t->stop;
	uint64_t *desc = (uint64_t *)(t->slot_k + SLOT_ALTSTACK_DESC);
	desc[0] = t->slot_u + SLOT_ALT_OFF;       /* stack_t: sp, flags, size */
	desc[1] = 0;
	desc[2] = SLOT_ALT_SIZE;
	r.rip = PSTUB_ADDR(PSTUB_SYSCALL);
	r.rax = SYS_sigaltstack;
	r.rdi = t->slot_u + SLOT_ALTSTACK_DESC;
	r.rsi = 0;
	r.orig_rax = ~0UL;
	r.gs_base = t->slot_u;
	r.fs_base = 0;
	if (ptrace(PTRACE_SETREGS, t->tid, NULL, &r))
		return;
	t->state = T_BIRTH_SETUP;
	resume(t, PTRACE_CONT);
}

static bool is_fault_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE;
}

static void thread_stopped(struct plat_thread *t, int status)
{
	int sig = WSTOPSIG(status);
	if (t->released || ptrace(PTRACE_GETREGS, t->tid, NULL, &t->stop))
		return;                   /* a released thread stays parked */
	if (status >> 16) {               /* event stops: none are asked for */
		resume(t, t->state == T_REAL ? PTRACE_CONT : PTRACE_SYSEMU);
		return;
	}
	if (sig == (SIGTRAP | 0x80)) {
		syscall_stop(t);
		return;
	}
	uint64_t ip = t->stop.rip;
	switch (t->state) {
	case T_NEW:
		if (sig == SIGSTOP) {
			birth_setup(t);
			return;
		}
		break;
	case T_BIRTH_SETUP:
		if (sig == SIGTRAP && ip == PSTUB_ADDR(PSTUB_SYSCALL_DONE)) {
			regs_from_user(t->cur, &t->stop);
			t->state = T_RUNNING;
			post(t, PLAT_ENTRY_BIRTH, ~0ULL);
			return;
		}
		break;
	case T_REAL:
		if (sig == SIGTRAP && ip == PSTUB_ADDR(PSTUB_SYSCALL_DONE)) {
			t->stop.rip = t->real_ret;
			t->state = T_RUNNING;
			if (!ptrace(PTRACE_SETREGS, t->tid, NULL, &t->stop))
				resume(t, PTRACE_SYSEMU);
			return;
		}
		break;
	case T_FAULT:
		if (is_fault_signal(sig)) {   /* Linux could not build the frame */
			report_siginfo(t, sig);
			return;
		}
		break;
	default:
		break;
	}
	if (sig == PT_SIG_KICK && t->state != T_NEW && t->state != T_BIRTH_SETUP) {
		regs_from_user(t->cur, &t->stop);
		if (t->state == T_REAL)
			t->cur[PREG_IP] = t->real_ret;
		post(t, PLAT_ENTRY_KICK, ~0ULL);
		return;
	}
	if (is_fault_signal(sig) && t->state == T_RUNNING) {
		/* Deliver it to the stub's handler for the exact error code. */
		t->state = T_FAULT;
		if (ptrace(PTRACE_SYSEMU, t->tid, NULL, (void *)(long)sig))
			t->state = T_EXITED;
		return;
	}
	if (sig == SIGTRAP && t->state == T_RUNNING) {
		report_siginfo(t, sig);
		return;
	}
	/* Signals from outside (SIGSTOP, SIGCONT, a late kick): dropped. */
	resume(t, t->state == T_REAL || t->state == T_BIRTH_SETUP || t->state == T_NEW ?
		   PTRACE_CONT : PTRACE_SYSEMU);
}

/* The kernel's answer to an entry. */
static void thread_go(struct plat_thread *t, struct request *q)
{
	if (!t->reported || t->released || t->state == T_EXITED)
		return;
	t->reported = false;
	if (q->fast) {
		t->cur[PREG_RAX] = q->tag;
		t->cur[PREG_RSI] = q->label;
	} else if (!q->mask && !q->enter && t->state == T_REAL) {
		resume(t, PTRACE_CONT);   /* an interrupted permitted call restarts */
		return;
	}
	for (unsigned i = 0; i < PREG_COUNT; i++)
		if (q->mask & PREG_BIT(i))
			t->cur[i] = q->regs[i];
	if (q->enter) {
		/* The tracer has every register already: the thread stays
		 * stopped and enters again with them. */
		post(t, PLAT_ENTRY_KICK, ~0ULL);
		return;
	}
	struct user_regs_struct u = user_from_regs(t->cur, &t->stop);
	if (ptrace(PTRACE_SETREGS, t->tid, NULL, &u)) {
		t->state = T_EXITED;
		return;
	}
	t->state = T_RUNNING;
	resume(t, PTRACE_SYSEMU);
}

/* ---- spaces and threads, in the tracer ---------------------------------- */

static struct plat_space *space_of_leader(pid_t pid)
{
	pthread_mutex_lock(&lists_lock);
	struct plat_space *s = spaces;
	while (s && s->pid != pid)
		s = s->next;
	pthread_mutex_unlock(&lists_lock);
	return s;
}

static struct plat_thread *thread_by_tid(pid_t tid)
{
	struct plat_thread *found = NULL;
	pthread_mutex_lock(&lists_lock);
	for (struct plat_space *s = spaces; s && !found; s = s->next)
		for (struct plat_thread *t = s->threads; t; t = t->next)
			if (t->tid == tid) {
				found = t;
				break;
			}
	pthread_mutex_unlock(&lists_lock);
	return found;
}

static void wake_threads(struct plat_space *s)
{
	pthread_mutex_lock(&lists_lock);
	for (struct plat_thread *t = s->threads; t; t = t->next)
		futex(&t->entry_seq, FUTEX_WAKE_PRIVATE, INT32_MAX);
	pthread_mutex_unlock(&lists_lock);
}

/* The leader's exit: the whole process is gone.  The supervisor learns
 * it through plat_reaped(), the same way it learns of seccomp tasks. */
static void space_gone(struct plat_space *s, int status)
{
	if (s->pid < 0)
		return;
	atomic_store(&s->dead, true);
	struct reaped *r = malloc(sizeof *r);
	if (r) {
		r->pid = s->pid;
		r->status = status;
		pthread_mutex_lock(&reaped_lock);
		r->next = reaped_list;
		reaped_list = r;
		pthread_mutex_unlock(&reaped_lock);
	}
	s->pid = -s->pid;                 /* reported once */
	wake_threads(s);
	kill(getpid(), SIGCHLD);
}

static void handle_status(pid_t pid, int status)
{
	struct plat_space *s = space_of_leader(pid);
	if (s) {
		if (!WIFSTOPPED(status))
			space_gone(s, status);
		return;                   /* the leader stays at rest */
	}
	struct plat_thread *t = thread_by_tid(pid);
	if (!t)
		return;
	if (!WIFSTOPPED(status))
		t->state = T_EXITED;
	else
		thread_stopped(t, status);
}

static int set_sigactions(struct plat_space *s)
{
	/* A kernel struct sigaction, written where the task has no thread yet. */
	uint64_t *sa = (uint64_t *)(s->ku + STUB_TASK_OFF + 0x800);
	sa[0] = PSTUB_ADDR(PSTUB_FAULT);
	sa[1] = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | 0x04000000 /* SA_RESTORER */;
	sa[2] = PSTUB_ADDR(PSTUB_RESTORER);
	sa[3] = 0;
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };
	int r = 0;
	for (unsigned i = 0; i < 4 && !r; i++)
		r = (int)inject(s, SYS_rt_sigaction, sigs[i], STUB_TASK_ADDR + 0x800, 0, 8, 0, 0);
	memset(sa, 0, 32);
	return r;
}

static int do_space_create(struct request *q)
{
	struct plat_space *s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	snprintf(s->name, sizeof s->name, "%s", q->name ? q->name : "task");
	int r = host_ku_create(&s->ku_fd, &s->ku);
	if (r) {
		free(s);
		return r;
	}
	s->ku_next = STUB_UTCB_OFF;
	pid_t pid = fork();
	if (pid < 0) {
		r = -errno;
		host_ku_destroy(s->ku_fd, s->ku);
		free(s);
		return r;
	}
	if (pid == 0)
		host_exec_stub(stub_fd, s->ku_fd, -1, 0, true);
	pthread_mutex_lock(&queue_lock);
	forks++;
	pthread_cond_signal(&fork_cond);
	pthread_mutex_unlock(&queue_lock);
	s->pid = pid;
	pthread_mutex_lock(&lists_lock);
	s->next = spaces;
	spaces = s;
	pthread_mutex_unlock(&lists_lock);
	/* Traced from exec on: the first stop is before the stub's first
	 * instruction.  From here on the leader only runs what we inject. */
	int st = wait_stop(pid);
	r = -ECHILD;
	if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP ||
	    ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACECLONE | PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD)) ||
	    ptrace(PTRACE_GETREGS, pid, NULL, &s->leader))
		goto fail;
	const long shared = MAP_SHARED | MAP_FIXED;
	if (inject(s, SYS_mmap, UMOL4_KIP_ADDR, 0x1000, PROT_READ | PROT_EXEC, shared, STUB_KU_FD, STUB_KIP_OFF) != (long)UMOL4_KIP_ADDR ||
	    inject(s, SYS_mmap, STUB_TASK_ADDR, 0x1000, PROT_READ | PROT_WRITE, shared, STUB_KU_FD, STUB_TASK_OFF) != (long)STUB_TASK_ADDR ||
	    inject(s, SYS_mmap, STUB_REQ_ADDR, 0x1000, PROT_READ, shared, STUB_KU_FD, STUB_REQ_OFF) != (long)STUB_REQ_ADDR ||
	    inject(s, SYS_mmap, STUB_SLOT_ADDR, STUB_MAX_SLOTS * STUB_SLOT_SIZE, PROT_READ | PROT_WRITE, shared,
		   STUB_KU_FD, STUB_SLOT_OFF) != (long)STUB_SLOT_ADDR ||
	    /* Everything else goes: exec stack, vDSO. */
	    inject(s, SYS_munmap, 0, STUB_TEXT_ADDR, 0, 0, 0, 0) ||
	    inject(s, SYS_munmap, STUB_AREA_END, 0x7ffffffff000UL - STUB_AREA_END, 0, 0, 0, 0) ||
	    set_sigactions(s))
		goto fail;
	q->space = s;
	return 0;
fail:
	kill(pid, SIGKILL);
	atomic_store(&s->dead, true);
	s->pid = -pid;                    /* its exit is nobody's business */
	return r;
}

/* The queued operations, a request page at a time: the leader runs them
 * all in the stub's batch loop, one stop for up to STUB_MAX_OPS calls
 * instead of one each.  A failed op ends the loop; the rest go on in the
 * next run, so every op is tried, as one by one. */
static int do_sync(struct plat_space *s)
{
	struct stub_req_page *page = (struct stub_req_page *)(s->ku + STUB_REQ_OFF);
	int r = 0;
	for (unsigned i = 0; i < s->nops;) {
		unsigned n = s->nops - i < STUB_MAX_OPS ? s->nops - i : STUB_MAX_OPS;
		for (unsigned k = 0; k < n; k++) {
			const struct pt_op *op = &s->ops[i + k];
			page->ops[k] = (struct stub_op){ (uint64_t)op->nr, { op->arg[0], op->arg[1], op->arg[2],
									      op->arg[3], op->arg[4], op->arg[5] }, 0 };
		}
		uint64_t first = STUB_REQ_ADDR + REQ_OPS, end = first + n * OP_SIZE;
		struct user_regs_struct regs = s->leader;
		regs.rip = PSTUB_ADDR(PSTUB_BATCH);
		regs.rbx = first;
		regs.r12 = end;
		if (run_leader(s, &regs, PSTUB_ADDR(PSTUB_BATCH_DONE))) {
			r = -ESRCH;
			break;
		}
		/* rbx is past the last op run; the loop moves it only forward. */
		unsigned ran = regs.rbx > first && regs.rbx <= end ? (unsigned)((regs.rbx - first) / OP_SIZE) : n;
		if (ran < n || (long)regs.rax < 0)
			r = -EFAULT;       /* ran < n: the last op run failed */
		i += ran ? ran : n;
	}
	s->nops = 0;
	return r;
}

static int do_thread_create(struct request *q)
{
	struct plat_space *s = q->space;
	unsigned slot;
	for (slot = 0; slot < STUB_MAX_SLOTS; slot++)
		if (!(s->slots[slot / 64] & (1UL << (slot % 64))))
			break;
	if (slot == STUB_MAX_SLOTS)
		return -ENOMEM;
	struct plat_thread *t = calloc(1, sizeof *t);
	if (!t)
		return -ENOMEM;
	t->space = s;
	t->slot = slot;
	t->slot_k = s->ku + STUB_SLOT_OFF + slot * STUB_SLOT_SIZE;
	t->slot_u = STUB_SLOT_ADDR + slot * STUB_SLOT_SIZE;
	memset(t->slot_k, 0, 0x1000);
	*(uint64_t *)t->slot_k = q->utcb;
	t->state = T_NEW;
	s->slots[slot / 64] |= 1UL << (slot % 64);
	long tid = inject(s, SYS_clone,
			  CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM,
			  t->slot_u + STUB_SLOT_SIZE, 0, 0, 0, 0);
	if (tid <= 0) {
		free(t);
		return tid < 0 ? (int)tid : -EIO;
	}
	t->tid = (pid_t)tid;
	pthread_mutex_lock(&lists_lock);
	t->next = s->threads;
	s->threads = t;
	pthread_mutex_unlock(&lists_lock);
	q->thread = t;
	return 0;
}

static void do_space_destroy(struct plat_space *s)
{
	pid_t pid = s->pid > 0 ? s->pid : -s->pid;
	kill(pid, SIGKILL);
	atomic_store(&s->dead, true);
	wake_threads(s);
	pthread_mutex_lock(&lists_lock);
	for (struct plat_space **p = &spaces; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	pthread_mutex_unlock(&lists_lock);
	/* Threads may still be referenced by kernel threads; they are few
	 * and this only happens when creating a task failed. */
	host_ku_destroy(s->ku_fd, s->ku);
	free(s->ops);
	free(s);
}

static void run_request(struct request *q)
{
	switch (q->kind) {
	case REQ_SPACE_CREATE: q->result = do_space_create(q); break;
	case REQ_SPACE_DESTROY: do_space_destroy(q->space); break;
	case REQ_SYNC: q->result = do_sync(q->space); break;
	case REQ_THREAD_CREATE: q->result = do_thread_create(q); break;
	case REQ_RESUME: thread_go(q->thread, q); break;
	case REQ_RELEASE: q->thread->released = true; break;
	}
	if (q->async)
		free(q);
	else
		sem_post(&q->done);
}

static void *tracer_main(void *arg)
{
	for (;;) {
		struct item *it = next_item();
		if (it->req)
			run_request(it->req);
		else
			handle_status(it->pid, it->status);
		free(it);
	}
	return NULL;
}

/* ---- the platform operations (any kernel thread) ------------------------- */

static int pt_init(const char *self_path, size_t phys_size)
{
	/* Can this process trace its children, with PTRACE_SYSEMU? */
	pid_t pid = fork();
	if (pid < 0) {
		perror("umol4: fork");
		return 71;
	}
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(1);
		raise(SIGSTOP);
		_exit(0);
	}
	int st, ok = 0;
	if (waitpid(pid, &st, 0) == pid && WIFSTOPPED(st))
		ok = !ptrace(PTRACE_SYSEMU, pid, NULL, NULL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) == pid && !WIFEXITED(st) && !WIFSIGNALED(st))
		;
	if (!ok) {
		fprintf(stderr, "umol4: this host does not let umol4 trace its task processes (ptrace with "
			"PTRACE_SYSEMU; check kernel.yama.ptrace_scope and sandboxes), needed by --platform=ptrace\n");
		return EXIT_NO_PTRACE;
	}
	stub_fd = host_stub_open(self_path, "UMOL4_PTRACE_STUB", "umol4-ptrace-stub");
	if (stub_fd < 0)
		return 71;
	int r = host_phys_init(phys_size);
	if (r)
		return r;
	/* Ptrace stops need not wake the supervisor; exits still do. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&tracer, NULL, tracer_main, NULL) || pthread_create(&waiter, NULL, waiter_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r) {
		fprintf(stderr, "umol4: cannot start the tracer thread\n");
		return 71;
	}
	return 0;
}

static void *pt_phys_base(void) { return host_phys_base; }

static int pt_space_create(struct plat_space **out, const char *name)
{
	struct request q = { .kind = REQ_SPACE_CREATE, .name = name };
	int r = request_run(&q);
	if (!r)
		*out = q.space;
	return r;
}

static void pt_space_destroy(struct plat_space *s)
{
	struct request q = { .kind = REQ_SPACE_DESTROY, .space = s };
	request_run(&q);
}

static void pt_space_kill(struct plat_space *s)
{
	if (s->pid > 0)
		kill(s->pid, SIGKILL);
}

static int pt_space_pid(struct plat_space *s) { return s->pid > 0 ? s->pid : -s->pid; }
static bool pt_space_dead(struct plat_space *s) { return atomic_load(&s->dead); }
static void *pt_kip(struct plat_space *s) { return s->ku + STUB_KIP_OFF; }

static int queue_op(struct plat_space *s, long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		    uint64_t a4, uint64_t a5)
{
	if (s->nops == s->cap) {
		unsigned cap = s->cap ? s->cap * 2 : 16;
		struct pt_op *ops = realloc(s->ops, cap * sizeof *ops);
		if (!ops)
			return -ENOMEM;
		s->ops = ops;
		s->cap = cap;
	}
	s->ops[s->nops++] = (struct pt_op){ nr, { a0, a1, a2, a3, a4, a5 } };
	return 0;
}

static int pt_space_map(struct plat_space *s, uintptr_t va, size_t len, unsigned prot, enum plat_mem mem, uint64_t off)
{
	if (!host_range_ok(va, len, off))
		return -EINVAL;
	return queue_op(s, SYS_mmap, va, len, host_linux_prot(prot), MAP_SHARED | MAP_FIXED,
			mem == PLAT_MEM_PHYS ? STUB_PHYS_FD : STUB_KU_FD, off);
}

static int pt_space_unmap(struct plat_space *s, uintptr_t va, size_t len)
{
	if (!host_range_ok(va, len, 0))
		return -EINVAL;
	return queue_op(s, SYS_munmap, va, len, 0, 0, 0, 0);
}

static int pt_space_sync(struct plat_space *s)
{
	if (!s->nops)
		return 0;
	struct request q = { .kind = REQ_SYNC, .space = s };
	return request_run(&q);
}

static int pt_ku_alloc(struct plat_space *s, size_t len, uint64_t *off, void **kview)
{
	return host_ku_alloc(&s->ku_next, s->ku, len, off, kview);
}

static int pt_thread_create(struct plat_space *s, uintptr_t utcb_uaddr, struct plat_thread **out)
{
	struct request q = { .kind = REQ_THREAD_CREATE, .space = s, .utcb = utcb_uaddr };
	int r = request_run(&q);
	if (!r)
		*out = q.thread;
	return r;
}

static void async_request(struct request *q)
{
	struct request *c = malloc(sizeof *c);
	if (!c)
		return;               /* the thread stays stopped; nothing else to do */
	*c = *q;
	c->async = true;
	request_run(c);
}

static void pt_thread_release(struct plat_thread *t)
{
	atomic_store(&t->gone, true);
	async_request(&(struct request){ .kind = REQ_RELEASE, .thread = t });
}

static int pt_thread_tid(struct plat_thread *t) { return t->tid; }

static void pt_thread_set_name(struct plat_thread *t, const char *name)
{
	host_thread_set_name(pt_space_pid(t->space), t->tid, name);
}

static void pt_thread_wait(struct plat_thread *t, struct plat_entry *e)
{
	for (;;) {
		if (atomic_load(&t->space->dead) || atomic_load(&t->gone)) {
			e->kind = PLAT_ENTRY_DEATH;
			return;
		}
		uint32_t v = atomic_load(&t->entry_seq);
		if (v != t->seen_seq) {
			t->seen_seq = v;
			break;
		}
		futex(&t->entry_seq, FUTEX_WAIT_PRIVATE, v);
	}
	*e = t->entry;
}

static void pt_thread_resume(struct plat_thread *t, uint64_t tag, uint64_t label)
{
	async_request(&(struct request){ .kind = REQ_RESUME, .thread = t, .fast = true, .tag = tag, .label = label });
}

static void resume_with_regs(struct plat_thread *t, const uint64_t *regs, uint64_t mask, bool enter)
{
	struct request q = { .kind = REQ_RESUME, .thread = t, .mask = mask, .enter = enter };
	memcpy(q.regs, regs, sizeof q.regs);
	async_request(&q);
}

static void pt_thread_resume_regs(struct plat_thread *t, const uint64_t *regs, uint64_t mask)
{
	resume_with_regs(t, regs, mask, false);
}

static void pt_thread_resume_enter(struct plat_thread *t, const uint64_t *regs, uint64_t mask)
{
	resume_with_regs(t, regs, mask, true);
}

/* The signal stops the thread wherever it runs; a thread already stopped
 * in the kernel takes it on its next run, which is a harmless extra entry. */
static void pt_thread_kick(struct plat_thread *t)
{
	if (t->tid > 0 && !atomic_load(&t->space->dead))
		syscall(SYS_tgkill, pt_space_pid(t->space), t->tid, PT_SIG_KICK);
}

static void pt_thread_stop_waiting(struct plat_thread *t)
{
	atomic_store(&t->gone, true);
	futex(&t->entry_seq, FUTEX_WAKE_PRIVATE, INT32_MAX);
}

static void pt_space_died(struct plat_space *s)
{
	atomic_store(&s->dead, true);
	wake_threads(s);
}

static struct plat_space *pt_space_by_pid(int pid)
{
	pthread_mutex_lock(&lists_lock);
	struct plat_space *s = spaces;
	while (s && pt_space_pid(s) != pid)
		s = s->next;
	pthread_mutex_unlock(&lists_lock);
	return s;
}

static int pt_reaped(int *status)
{
	pthread_mutex_lock(&reaped_lock);
	struct reaped *r = reaped_list;
	if (r)
		reaped_list = r->next;
	pthread_mutex_unlock(&reaped_lock);
	if (!r)
		return 0;
	int pid = r->pid;
	*status = r->status;
	free(r);
	return pid;
}

const struct plat_ops plat_ptrace = {
	.name = "ptrace",
	.init = pt_init, .phys_base = pt_phys_base,
	.space_create = pt_space_create, .space_destroy = pt_space_destroy, .space_kill = pt_space_kill,
	.space_pid = pt_space_pid, .space_dead = pt_space_dead, .space_map = pt_space_map,
	.space_unmap = pt_space_unmap, .space_sync = pt_space_sync, .ku_alloc = pt_ku_alloc, .kip = pt_kip,
	.thread_create = pt_thread_create, .thread_release = pt_thread_release, .thread_tid = pt_thread_tid,
	.thread_set_name = pt_thread_set_name, .thread_wait = pt_thread_wait, .thread_resume = pt_thread_resume,
	.thread_resume_regs = pt_thread_resume_regs,
	.thread_resume_enter = pt_thread_resume_enter, .thread_kick = pt_thread_kick,
	.thread_stop_waiting = pt_thread_stop_waiting, .space_died = pt_space_died, .space_by_pid = pt_space_by_pid,
	.reaped = pt_reaped,
};
