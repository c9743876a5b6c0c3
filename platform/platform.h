/* The platform contract: how an L4 address space and its threads are
 * hosted on Linux.  The generic kernel calls only these functions; each
 * platform (seccomp/, ptrace/) implements them in its own folder and
 * exports one struct plat_ops; the command line picks one at start-up.
 * This is the only layer that runs or controls task processes.
 *
 * Threading: every L4 thread has one kernel thread that sits in
 * plat_thread_wait() for it.  All other calls are made with the big kernel
 * lock held, from any kernel thread. */
#ifndef UMOL4_PLATFORM_H
#define UMOL4_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "regs.h"

struct plat_space;
struct plat_thread;

enum plat_mem { PLAT_MEM_PHYS, PLAT_MEM_KU };   /* physical memory, task's kernel-user memory */
enum plat_prot { PLAT_R = 1, PLAT_W = 2, PLAT_X = 4 };

enum plat_entry_kind {
	PLAT_ENTRY_SYSCALL = 1,  /* l4_ipc(): tag, dest, label, timeout */
	PLAT_ENTRY_EXCEPTION,    /* CPU exception or Linux system call: regs */
	PLAT_ENTRY_BIRTH,        /* new thread waits for its first registers */
	PLAT_ENTRY_KICK,         /* interrupted by plat_thread_kick(): regs */
	PLAT_ENTRY_DEATH,        /* the task process is gone */
};

/* A copy of what the thread sent; untrusted, check before use. */
struct plat_entry {
	enum plat_entry_kind kind;
	uint64_t tag, dest, label, timeout;
	uint64_t ip, sp;                 /* for SYSCALL: where l4_ipc() returns to */
	uint64_t regs[PREG_COUNT];        /* for EXCEPTION, KICK, BIRTH */
	uint64_t syscall_nr;             /* EXCEPTION from a Linux system call, else ~0 */
};

/* Each platform fills one table; plat_select() picks it at start-up.
 * Host checks and global set-up (init) return 0, or print one line and
 * return the process exit code to use. */
struct plat_ops {
	const char *name;
	int  (*init)(const char *self_path, size_t phys_size);
	void *(*phys_base)(void);                 /* kernel view of physical memory */

	int  (*space_create)(struct plat_space **out, const char *name);
	void (*space_destroy)(struct plat_space *s);
	void (*space_kill)(struct plat_space *s);        /* end the process; reaped later */
	int  (*space_pid)(struct plat_space *s);
	bool (*space_dead)(struct plat_space *s);
	/* Address-space changes are queued and in effect after space_sync(). */
	int  (*space_map)(struct plat_space *s, uintptr_t va, size_t len, unsigned prot,
			  enum plat_mem mem, uint64_t off);
	int  (*space_unmap)(struct plat_space *s, uintptr_t va, size_t len);
	int  (*space_sync)(struct plat_space *s);
	/* Kernel-user memory (UTCBs): allocate len bytes, return offset and kernel view. */
	int  (*ku_alloc)(struct plat_space *s, size_t len, uint64_t *off, void **kview);
	void *(*kip)(struct plat_space *s);       /* kernel view of this task's KIP page */

	int  (*thread_create)(struct plat_space *s, uintptr_t utcb_uaddr, struct plat_thread **out);
	void (*thread_release)(struct plat_thread *t);
	int  (*thread_tid)(struct plat_thread *t);
	void (*thread_set_name)(struct plat_thread *t, const char *name);
	void (*thread_wait)(struct plat_thread *t, struct plat_entry *e);
	void (*thread_resume)(struct plat_thread *t, uint64_t tag, uint64_t label);
	void (*thread_resume_regs)(struct plat_thread *t, const uint64_t *regs, uint64_t mask);
	/* Like thread_resume_regs, but the thread enters again at once with
	 * PLAT_ENTRY_KICK and its whole register file, before it runs any
	 * instruction: how the kernel gets every register of a thread it
	 * holds in an l4_ipc() (its entry carries only a few). */
	void (*thread_resume_enter)(struct plat_thread *t, const uint64_t *regs, uint64_t mask);
	void (*thread_kick)(struct plat_thread *t);
	void (*thread_stop_waiting)(struct plat_thread *t); /* its thread_wait returns DEATH */

	/* Called by the supervisor when it reaped a task process. */
	void (*space_died)(struct plat_space *s);
	struct plat_space *(*space_by_pid)(int pid);
	/* Optional.  A platform that waits for its task processes itself (only
	 * a tracer may wait for its tracees' stops) hands each process that
	 * ended to the supervisor here: pid and wait status, 0 when none is
	 * left.  It raises SIGCHLD in umol4 to have it asked. */
	int  (*reaped)(int *status);
};

extern const struct plat_ops *plat;
extern const struct plat_ops plat_seccomp, plat_ptrace;

/* Choose the platform by name (NULL: the default).  Returns 0 or -1. */
int plat_select(const char *name);
const char *plat_names(void);             /* "seccomp, ..." for messages */

/* The generic kernel calls these; each is one indirect call. */
static inline int plat_init(const char *p, size_t n) { return plat->init(p, n); }
static inline const char *plat_name(void) { return plat->name; }
static inline void *plat_phys_base(void) { return plat->phys_base(); }
static inline int plat_space_create(struct plat_space **o, const char *n) { return plat->space_create(o, n); }
static inline void plat_space_destroy(struct plat_space *s) { plat->space_destroy(s); }
static inline void plat_space_kill(struct plat_space *s) { plat->space_kill(s); }
static inline int plat_space_pid(struct plat_space *s) { return plat->space_pid(s); }
static inline bool plat_space_dead(struct plat_space *s) { return plat->space_dead(s); }
static inline int plat_space_map(struct plat_space *s, uintptr_t va, size_t len, unsigned prot,
				 enum plat_mem mem, uint64_t off) { return plat->space_map(s, va, len, prot, mem, off); }
static inline int plat_space_unmap(struct plat_space *s, uintptr_t va, size_t len) { return plat->space_unmap(s, va, len); }
static inline int plat_space_sync(struct plat_space *s) { return plat->space_sync(s); }
static inline int plat_ku_alloc(struct plat_space *s, size_t len, uint64_t *off, void **kv) { return plat->ku_alloc(s, len, off, kv); }
static inline void *plat_kip(struct plat_space *s) { return plat->kip(s); }
static inline int plat_thread_create(struct plat_space *s, uintptr_t u, struct plat_thread **o) { return plat->thread_create(s, u, o); }
static inline void plat_thread_release(struct plat_thread *t) { plat->thread_release(t); }
static inline int plat_thread_tid(struct plat_thread *t) { return plat->thread_tid(t); }
static inline void plat_thread_set_name(struct plat_thread *t, const char *n) { plat->thread_set_name(t, n); }
static inline void plat_thread_wait(struct plat_thread *t, struct plat_entry *e) { plat->thread_wait(t, e); }
static inline void plat_thread_resume(struct plat_thread *t, uint64_t tag, uint64_t label) { plat->thread_resume(t, tag, label); }
static inline void plat_thread_resume_regs(struct plat_thread *t, const uint64_t *r, uint64_t m) { plat->thread_resume_regs(t, r, m); }
static inline void plat_thread_resume_enter(struct plat_thread *t, const uint64_t *r, uint64_t m) { plat->thread_resume_enter(t, r, m); }
static inline void plat_thread_kick(struct plat_thread *t) { plat->thread_kick(t); }
static inline void plat_thread_stop_waiting(struct plat_thread *t) { plat->thread_stop_waiting(t); }
static inline void plat_space_died(struct plat_space *s) { plat->space_died(s); }
static inline struct plat_space *plat_space_by_pid(int pid) { return plat->space_by_pid(pid); }
static inline int plat_reaped(int *st) { return plat->reaped ? plat->reaped(st) : 0; }

#endif
