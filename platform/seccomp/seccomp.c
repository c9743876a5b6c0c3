/* The seccomp platform, kernel side.  A task is a Linux process started
 * from the trusted stub (stub/); its mapper thread runs the address-space
 * operations the kernel writes to the task's read-only request page, and
 * each L4 thread enters the kernel through its frame and a futex.
 * See layout.h for the shared memory and stub/entry.S for the task side. */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "platform.h"
#include "host.h"
#include "layout.h"

#define STUB_SIG_KICK SIGURG

struct plat_space {
	pid_t pid;
	int ku_fd;                 /* kernel-user memory memfd */
	int done_fd;               /* kernel end of the mapper's "done" channel */
	uint8_t *ku;               /* kernel view of kernel-user memory */
	struct stub_req_page *req;
	uint64_t ku_next;          /* next free offset for UTCB areas */
	uint64_t slots[STUB_MAX_SLOTS / 64];
	atomic_bool dead;
	struct plat_space *next;
	char name[16];
};

struct plat_thread {
	struct plat_space *space;
	unsigned slot;
	struct stub_frame *frame;
	uint32_t seen_req;
	atomic_bool gone;
};

static int stub_fd = -1;
static struct plat_space *spaces;
static pthread_mutex_t spaces_lock = PTHREAD_MUTEX_INITIALIZER;

static void *sc_phys_base(void) { return host_phys_base; }

static long futex(void *addr, int op, uint32_t val)
{
	return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

static int sc_init(const char *self_path, size_t phys_size)
{
	if (prctl(PR_GET_SECCOMP) < 0) {
		fprintf(stderr, "umol4: this Linux has no seccomp filters (needed by --platform=seccomp)\n");
		return 70;
	}
	stub_fd = host_stub_open(self_path, "UMOL4_STUB", "umol4-stub");
	if (stub_fd < 0)
		return 71;
	return host_phys_init(phys_size);
}

static int sc_space_create(struct plat_space **out, const char *name)
{
	struct plat_space *s = calloc(1, sizeof *s);
	int sv[2] = { -1, -1 };
	if (!s)
		return -ENOMEM;
	snprintf(s->name, sizeof s->name, "%s", name ? name : "task");
	int r = host_ku_create(&s->ku_fd, &s->ku);
	if (r) {
		free(s);
		return r;
	}
	s->req = (struct stub_req_page *)(s->ku + STUB_REQ_OFF);
	s->ku_next = STUB_UTCB_OFF;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		goto fail;
	pid_t pid = fork();
	if (pid < 0)
		goto fail;
	if (pid == 0)
		host_exec_stub(stub_fd, s->ku_fd, sv[1], STUB_DONE_FD, false);
	close(sv[1]);
	s->done_fd = sv[0];
	s->pid = pid;
	pthread_mutex_lock(&spaces_lock);
	s->next = spaces;
	spaces = s;
	pthread_mutex_unlock(&spaces_lock);
	*out = s;
	return 0;
fail:
	r = -errno;
	if (sv[0] >= 0) { close(sv[0]); close(sv[1]); }
	host_ku_destroy(s->ku_fd, s->ku);
	free(s);
	return r;
}

static int sc_space_pid(struct plat_space *s) { return s->pid; }
static bool sc_space_dead(struct plat_space *s) { return atomic_load(&s->dead); }
static void *sc_kip(struct plat_space *s) { return s->ku + STUB_KIP_OFF; }

static struct plat_space *sc_space_by_pid(int pid)
{
	pthread_mutex_lock(&spaces_lock);
	struct plat_space *s = spaces;
	while (s && s->pid != pid)
		s = s->next;
	pthread_mutex_unlock(&spaces_lock);
	return s;
}

/* Wake every kernel thread that waits for an L4 thread of this task. */
static void sc_space_died(struct plat_space *s)
{
	atomic_store(&s->dead, true);
	for (unsigned i = 0; i < STUB_MAX_SLOTS; i++)
		if (s->slots[i / 64] & (1UL << (i % 64))) {
			struct stub_frame *f = (void *)(s->ku + STUB_SLOT_OFF + i * STUB_SLOT_SIZE);
			futex(&f->req_seq, FUTEX_WAKE, INT32_MAX);
		}
}

/* The process is killed; the structure stays until the last thread lets go. */
static void sc_space_destroy(struct plat_space *s)
{
	kill(s->pid, SIGKILL);
	sc_space_died(s);
	pthread_mutex_lock(&spaces_lock);
	for (struct plat_space **p = &spaces; *p; p = &(*p)->next)
		if (*p == s) { *p = s->next; break; }
	pthread_mutex_unlock(&spaces_lock);
	close(s->done_fd);
	host_ku_destroy(s->ku_fd, s->ku);
	free(s);
}

static int sc_space_sync(struct plat_space *s);

static int queue_op(struct plat_space *s, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
		    uint64_t a3, uint64_t a4, uint64_t a5, uint64_t frame)
{
	if (s->req->nops == STUB_MAX_OPS) {
		int r = sc_space_sync(s);
		if (r)
			return r;
	}
	struct stub_op *op = &s->req->ops[s->req->nops++];
	*op = (struct stub_op){ nr, { a0, a1, a2, a3, a4, a5 }, frame };
	return 0;
}

static int sc_space_map(struct plat_space *s, uintptr_t va, size_t len, unsigned prot, enum plat_mem mem, uint64_t off)
{
	if (!host_range_ok(va, len, off))
		return -EINVAL;
	return queue_op(s, SYS_mmap, va, len, host_linux_prot(prot), MAP_SHARED | MAP_FIXED,
			mem == PLAT_MEM_PHYS ? STUB_PHYS_FD : STUB_KU_FD, off, 0);
}

static int sc_space_unmap(struct plat_space *s, uintptr_t va, size_t len)
{
	if (!host_range_ok(va, len, 0))
		return -EINVAL;
	return queue_op(s, SYS_munmap, va, len, 0, 0, 0, 0, 0);
}

/* Hand the queued batch to the mapper and wait until it has run. */
static int sc_space_sync(struct plat_space *s)
{
	if (!s->req->nops)
		return 0;
	if (atomic_load(&s->dead)) {
		s->req->nops = 0;
		return -ESRCH;
	}
	__atomic_store_n(&s->req->seq, s->req->seq + 1, __ATOMIC_SEQ_CST);
	futex(&s->req->seq, FUTEX_WAKE, 1);
	char status;
	ssize_t n;
	do
		n = read(s->done_fd, &status, 1);
	while (n < 0 && errno == EINTR);
	s->req->nops = 0;
	if (n != 1) {
		atomic_store(&s->dead, true);
		return -ESRCH;
	}
	return status ? -EFAULT : 0;
}

static int sc_ku_alloc(struct plat_space *s, size_t len, uint64_t *off, void **kview)
{
	return host_ku_alloc(&s->ku_next, s->ku, len, off, kview);
}

static int sc_thread_create(struct plat_space *s, uintptr_t utcb_uaddr, struct plat_thread **out)
{
	unsigned slot;
	for (slot = 0; slot < STUB_MAX_SLOTS; slot++)
		if (!(s->slots[slot / 64] & (1UL << (slot % 64))))
			break;
	if (slot == STUB_MAX_SLOTS)
		return -ENOMEM;
	struct plat_thread *t = calloc(1, sizeof *t);
	if (!t)
		return -ENOMEM;
	uint8_t *k = s->ku + STUB_SLOT_OFF + slot * STUB_SLOT_SIZE;
	uintptr_t u = STUB_SLOT_ADDR + slot * STUB_SLOT_SIZE;
	memset(k, 0, STUB_FRAME_SIZE);
	struct stub_frame *f = (void *)k;
	f->utcb = utcb_uaddr;
	f->self = u;
	f->altstack.sp = u + STUB_FRAME_SIZE;
	f->altstack.size = STUB_SLOT_SIZE - STUB_FRAME_SIZE;
	t->space = s;
	t->slot = slot;
	t->frame = f;
	s->slots[slot / 64] |= 1UL << (slot % 64);
	int r = queue_op(s, SYS_clone,
			 CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
			 CLONE_SYSVSEM | CLONE_PARENT_SETTID,
			 u + STUB_FRAME_SIZE, u + FRAME_TID, 0, 0, 0, u);
	if (!r)
		r = sc_space_sync(s);
	if (r) {
		s->slots[slot / 64] &= ~(1UL << (slot % 64));
		free(t);
		return r;
	}
	*out = t;
	return 0;
}

/* The Linux thread stays parked in its task until the process ends; the
 * slot is not reused, so a late entry cannot land on a new thread. */
static void sc_thread_release(struct plat_thread *t)
{
	free(t);
}

static int sc_thread_tid(struct plat_thread *t) { return (int)t->frame->tid; }

static void sc_thread_set_name(struct plat_thread *t, const char *name)
{
	host_thread_set_name(t->space->pid, sc_thread_tid(t), name);
}

static void sc_thread_wait(struct plat_thread *t, struct plat_entry *e)
{
	struct stub_frame *f = t->frame;
	for (;;) {
		if (atomic_load(&t->space->dead) || atomic_load(&t->gone)) {
			e->kind = PLAT_ENTRY_DEATH;
			return;
		}
		uint32_t v = __atomic_load_n(&f->req_seq, __ATOMIC_SEQ_CST);
		if (v != t->seen_req) {
			t->seen_req = v;
			break;
		}
		futex(&f->req_seq, FUTEX_WAIT, v);
	}
	/* One copy of everything; the task may change the frame meanwhile. */
	uint32_t kind = __atomic_load_n(&f->kind, __ATOMIC_RELAXED);
	switch (kind) {
	case ENTRY_SYSCALL:
		e->kind = PLAT_ENTRY_SYSCALL;
		e->tag = f->tag; e->dest = f->dest; e->label = f->label; e->timeout = f->timeout;
		e->ip = f->user_ip; e->sp = f->user_sp;
		return;
	case ENTRY_BIRTH: e->kind = PLAT_ENTRY_BIRTH; break;
	case ENTRY_KICK: e->kind = PLAT_ENTRY_KICK; break;
	default: e->kind = PLAT_ENTRY_EXCEPTION; break;
	}
	memcpy(e->regs, f->regs, sizeof e->regs);
	e->syscall_nr = f->syscall_nr;
	e->ip = e->regs[PREG_IP];
	e->sp = e->regs[PREG_SP];
}

static void resume(struct plat_thread *t)
{
	__atomic_store_n(&t->frame->resp_seq, t->seen_req, __ATOMIC_SEQ_CST);
	futex(&t->frame->resp_seq, FUTEX_WAKE, 1);
}

static void sc_thread_resume(struct plat_thread *t, uint64_t tag, uint64_t label)
{
	t->frame->tag = tag;
	t->frame->label = label;
	t->frame->resume = RESUME_FAST;
	resume(t);
}

static void resume_with_regs(struct plat_thread *t, const uint64_t *regs, uint64_t mask, enum stub_resume_kind kind)
{
	memcpy(t->frame->regs, regs, sizeof t->frame->regs);
	t->frame->regs_mask = mask;
	t->frame->resume = kind;
	resume(t);
}

static void sc_thread_resume_regs(struct plat_thread *t, const uint64_t *regs, uint64_t mask)
{
	resume_with_regs(t, regs, mask, RESUME_REGS);
}

/* The stub's handler loads the registers and reports the whole set back
 * as a kick before the thread runs an instruction. */
static void sc_thread_resume_enter(struct plat_thread *t, const uint64_t *regs, uint64_t mask)
{
	resume_with_regs(t, regs, mask, RESUME_REGS_ENTER);
}

static void sc_thread_stop_waiting(struct plat_thread *t)
{
	atomic_store(&t->gone, true);
	futex(&t->frame->req_seq, FUTEX_WAKE, INT32_MAX);
}

static void sc_space_kill(struct plat_space *s)
{
	kill(s->pid, SIGKILL);
}

static void sc_thread_kick(struct plat_thread *t)
{
	syscall(SYS_tgkill, t->space->pid, sc_thread_tid(t), STUB_SIG_KICK);
}

const struct plat_ops plat_seccomp = {
	.name = "seccomp",
	.init = sc_init, .phys_base = sc_phys_base,
	.space_create = sc_space_create, .space_destroy = sc_space_destroy, .space_kill = sc_space_kill,
	.space_pid = sc_space_pid, .space_dead = sc_space_dead, .space_map = sc_space_map,
	.space_unmap = sc_space_unmap, .space_sync = sc_space_sync, .ku_alloc = sc_ku_alloc, .kip = sc_kip,
	.thread_create = sc_thread_create, .thread_release = sc_thread_release, .thread_tid = sc_thread_tid,
	.thread_set_name = sc_thread_set_name, .thread_wait = sc_thread_wait, .thread_resume = sc_thread_resume,
	.thread_resume_regs = sc_thread_resume_regs,
	.thread_resume_enter = sc_thread_resume_enter, .thread_kick = sc_thread_kick,
	.thread_stop_waiting = sc_thread_stop_waiting, .space_died = sc_space_died, .space_by_pid = sc_space_by_pid,
};
