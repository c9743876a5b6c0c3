/* The platform contract: how an L4 address space and its threads are
 * hosted on Linux.  The generic kernel calls only these functions; each
 * platform (seccomp/, later ptrace/) implements them in its own files and
 * the build picks one.  This is the only layer that calls Linux.
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

/* Host checks and global set-up.  Returns 0, or prints one line and returns
 * the process exit code to use. */
int plat_init(const char *self_path, size_t phys_size);
const char *plat_name(void);
void *plat_phys_base(void);              /* kernel view of physical memory */

int  plat_space_create(struct plat_space **out, const char *name);
void plat_space_destroy(struct plat_space *s);
void plat_space_kill(struct plat_space *s);          /* end the process; reaped later */
int  plat_space_pid(struct plat_space *s);
bool plat_space_dead(struct plat_space *s);
/* Address-space changes are queued and in effect after plat_space_sync(). */
int  plat_space_map(struct plat_space *s, uintptr_t va, size_t len, unsigned prot,
		    enum plat_mem mem, uint64_t off);
int  plat_space_unmap(struct plat_space *s, uintptr_t va, size_t len);
int  plat_space_sync(struct plat_space *s);
/* Kernel-user memory (UTCBs): allocate len bytes, return offset and kernel view. */
int  plat_ku_alloc(struct plat_space *s, size_t len, uint64_t *off, void **kview);
void *plat_kip(struct plat_space *s);    /* kernel view of this task's KIP page */

int  plat_thread_create(struct plat_space *s, uintptr_t utcb_uaddr, struct plat_thread **out);
void plat_thread_release(struct plat_thread *t);
int  plat_thread_tid(struct plat_thread *t);
void plat_thread_set_name(struct plat_thread *t, const char *name);
void plat_thread_wait(struct plat_thread *t, struct plat_entry *e);
void plat_thread_resume(struct plat_thread *t, uint64_t tag, uint64_t label);
void plat_thread_resume_regs(struct plat_thread *t, const uint64_t *regs, uint64_t mask);
void plat_thread_kick(struct plat_thread *t);
void plat_thread_stop_waiting(struct plat_thread *t); /* its plat_thread_wait returns DEATH */

/* Called by the supervisor when it reaped a task process. */
void plat_space_died(struct plat_space *s);
struct plat_space *plat_space_by_pid(int pid);

#endif
