/* Kernel-wide types and state of umol4.  One big lock (kernel_lock)
 * protects every kernel object; each L4 thread has one kernel thread that
 * waits for its entries (thread.c) and takes the lock to handle them. */
#ifndef UMOL4_KERNEL_H
#define UMOL4_KERNEL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <l4/sys/consts.h>
#include <l4/sys/types.h>
#include <l4/sys/err.h>
#include <l4/sys/ipc.h>
#include <l4/sys/utcb.h>
#include "platform.h"
#define MAPDB_VA_END UMOL4_USER_END
#include "mapdb.h"

extern pthread_mutex_t kernel_lock;

/* ---- kernel objects -------------------------------------------------- */

enum kobj_type {
	KOBJ_TASK, KOBJ_THREAD, KOBJ_GATE, KOBJ_IRQ, KOBJ_FACTORY, KOBJ_SCHEDULER,
	KOBJ_LOG, KOBJ_SEMAPHORE, KOBJ_DEBUGGER, KOBJ_ICU, KOBJ_TYPES
};

struct thread;
struct kobj;

/* What an invocation of a kernel object sees: the caller, the rights of
 * the capability used, the message tag and a private copy of the words. */
struct invocation {
	struct thread *caller;
	unsigned rights;              /* L4_CAP_FPAGE_* of the capability used */
	l4_msgtag_t tag;
	l4_umword_t mr[L4_UTCB_GENERIC_DATA_SIZE];
	unsigned words;               /* untyped words actually copied */
	/* The answer: label (0 or -L4_E*), words in reply_mr. */
	long reply_label;
	unsigned reply_words;
	l4_umword_t reply_mr[L4_UTCB_GENERIC_DATA_SIZE];
	bool no_reply;                /* the caller stays blocked (handled elsewhere) */
	bool want_reply;              /* a call, not a send */
	l4_timeout_t timeout;         /* of the l4_ipc() that invoked */
};

struct kobj_ops {
	const char *name;
	void (*invoke)(struct kobj *o, struct invocation *inv);
	void (*destroy)(struct kobj *o);        /* last capability gone */
};

struct kobj {
	enum kobj_type type;
	unsigned caps;               /* capabilities that name it */
	unsigned long id;            /* debugger id, unique */
	char name[16];
	const struct kobj_ops *ops;
	bool deleted;                /* l4_task_delete_obj: unusable, waiting for last cap */
	unsigned dropped;            /* l4_kobject_dec_refcnt: caps that no longer count */
	struct kobj *next_all;       /* every object ever made, for lookups by id */
};

void kobj_init(struct kobj *o, enum kobj_type type, const struct kobj_ops *ops);
void kobj_put_cap(struct kobj *o);        /* a capability naming o went away */
void kobj_delete(struct kobj *o);         /* make o unusable now, release what it holds */
void kobj_dec_refcnt(struct kobj *o, unsigned long diff);
const char *kobj_type_name(enum kobj_type t);
struct kobj *kobj_by_id(unsigned long id);  /* NULL if no object has this id */

/* Reply helpers for invoke functions. */
static inline void inv_error(struct invocation *inv, long err) { inv->reply_label = -err; inv->reply_words = 0; }
static inline void inv_ok(struct invocation *inv, unsigned words) { inv->reply_label = 0; inv->reply_words = words; }

/* ---- capability spaces (capspace.c) ---------------------------------- */

struct task;

/* One slot of a task's object space.  parent/children form the derivation
 * tree: a capability mapped from this one is its child, and unmapping
 * this one revokes all its descendants in every task. */
struct cap {
	struct kobj *obj;            /* NULL: empty slot */
	uint8_t rights;
	struct task *owner;
	unsigned long index;
	struct cap *parent, *first_child, *next_sibling, *prev_sibling;
};

#define CAP_SPACE_SLOTS (1UL << 16)
#define CAP_PAGE_SLOTS 256

struct capspace {
	struct cap *pages[CAP_SPACE_SLOTS / CAP_PAGE_SLOTS];
};

struct cap *cap_lookup(struct task *t, l4_cap_idx_t sel);          /* valid slot or NULL */
struct cap *cap_slot(struct task *t, unsigned long index, bool create);
int  cap_install(struct task *t, unsigned long index, struct kobj *o, unsigned rights, struct cap *parent);
int  cap_map(struct task *src, unsigned long src_index, struct task *dst, unsigned long dst_index,
	     unsigned rights, bool grant);
void cap_unmap(struct cap *c, bool self, unsigned rights_to_remove);
void capspace_clear(struct task *t);
int  capspace_check(struct task *t);     /* verify the derivation tree invariants */

/* ---- tasks (task.c) --------------------------------------------------- */

#define TASK_KU_AREAS 16

struct task {
	struct kobj obj;
	struct capspace caps;
	struct plat_space *space;
	struct thread *threads;           /* bound threads */
	struct mspace mem;                /* its mappings in the mapping database */
	bool mem_dirty;                   /* host view changed, not yet synced */
	struct task *dirty_next;
	/* Kernel-user memory (UTCBs): the area given at creation and those
	 * added by l4_task_add_ku_mem, outside the mapping database. */
	struct ku_area { uintptr_t base; size_t len; uint8_t *kview; } ku[TASK_KU_AREAS];
	unsigned ku_count;
	bool dead;
	int exit_status;                  /* Linux wait status once dead */
	bool is_root;
	bool killed_by_kernel;            /* exit_status: 0x80 | signal */
	struct task *next_task;
};

struct task *task_create(const char *name, l4_fpage_t utcb_area, int *err);
struct task *task_by_pid(int pid);
void task_process_exited(int pid, int status);
l4_utcb_t *task_utcb_kview(struct task *t, uintptr_t uaddr);      /* NULL if outside */
int  task_map_pages(struct task *t, uintptr_t va, uint64_t phys, size_t len, unsigned prot);
int  task_map_memory(struct task *src, l4_fpage_t fp, struct task *dst, uintptr_t dst_base, bool grant);
int  task_unmap_memory(struct task *t, l4_fpage_t fp, bool self);
int  for_each_fpage(uintptr_t start, size_t len, uint64_t phys, int (*fn)(void *arg, uintptr_t va, unsigned order), void *arg);
int  task_check_host_view(struct task *t);   /* host mappings == mapdb; returns mismatches */
uint64_t task_resident_bytes(struct task *t); /* what the host populated for it (VmRSS) */
extern struct task *task_list;

/* ---- threads (thread.c) ----------------------------------------------- */

enum thread_state {
	TS_CREATED,      /* no task, or not started */
	TS_READY,        /* runs in its task */
	TS_SEND,         /* blocked in the send phase, queued at the partner */
	TS_RECV,         /* blocked in the receive phase */
	TS_DEAD,
};

struct thread {
	struct kobj obj;
	struct task *task;
	struct plat_thread *pt;
	pthread_t kthread;
	uintptr_t utcb_uaddr;
	l4_utcb_t *utcb;               /* kernel view, NULL until bound */
	enum thread_state state;
	bool born, started, ip_set, sched_set, alien, exiting;
	uint64_t start_ip, start_sp;
	unsigned prio, cpu;
	l4_cap_idx_t pager, exc_handler;

	/* IPC */
	struct thread *send_queue, *send_queue_tail; /* threads waiting to send to us */
	struct thread *queue_next;     /* link in a partner's send queue */
	struct thread *send_target;    /* while TS_SEND */
	struct kobj *recv_from;        /* closed wait: thread or irq; NULL: open */
	struct thread *reply_to;       /* caller waiting for our reply */
	l4_msgtag_t send_tag;          /* while TS_SEND: the message */
	unsigned long send_label;      /* label the receiver will see */
	bool pending_call;             /* after the send: wait for the reply */
	bool pending_open_wait;        /* after the send: open wait */
	l4_timeout_s pending_rcv_to;   /* timeout of that receive phase */
	struct thread *reply_wait_for; /* TS_RECV for the reply of this thread */
	uint64_t deadline_ns;          /* 0: none */
	uint64_t sem_ticket;           /* arrival order of a semaphore down (irq.c) */
	struct thread *timer_next;
	struct irq *pending_irqs;      /* triggered irqs bound to us */
	uint64_t entry_ip, entry_sp;   /* where the last l4_ipc returns to */
	unsigned pending_exregs;       /* kick reasons */
	/* Work at the thread's next instruction, which needs its whole
	 * register file (thread_resume_regs brings it back at once):
	 * l4_thread_ex_regs(TRIGGER_EXCEPTION), and an alien thread's
	 * reports before and after each of its system calls. */
	bool pending_trigger;
	struct thread *regs_asker;     /* waits in l4_thread_ex_regs for our registers */
	bool dis_alien;                /* the handler allowed the next system call */
	enum { ALIEN_NONE, ALIEN_BEFORE, ALIEN_AFTER } alien_report;

	/* Page fault or exception IPC the kernel makes for the thread. */
	enum { KIPC_NONE, KIPC_PAGE_FAULT, KIPC_EXCEPTION } kipc;
	l4_umword_t kmsg[L4_UTCB_GENERIC_DATA_SIZE];
	uint64_t exc_regs[PREG_COUNT]; /* the registers at the fault */
	uint64_t exc_retry_mask;       /* which of them a short reply loads again */
	struct thread *next_in_task;
	struct irq *del_irq;           /* triggered when a gate bound to us is deleted */
};

struct thread *thread_create(int *err);
int  thread_bind(struct thread *t, struct task *task, uintptr_t utcb_uaddr);
void thread_try_start(struct thread *t);
void thread_resume_regs(struct thread *t, const uint64_t *regs, uint64_t mask);
bool thread_has_entry_work(const struct thread *t);
void thread_resume(struct thread *t, l4_msgtag_t tag, l4_umword_t label);
void thread_ipc_error(struct thread *t, unsigned err);   /* resume with an IPC error */
extern const struct kobj_ops thread_ops;

/* ---- page faults and exceptions (exception.c) -------------------------- */

void exception_entry(struct thread *t, const struct plat_entry *e, uint64_t retry_mask);
void kipc_finish(struct thread *t, l4_msgtag_t reply, unsigned err);

/* ---- IPC (ipc.c) ------------------------------------------------------ */

void ipc_syscall(struct thread *t, const struct plat_entry *e);
void ipc_receive(struct thread *t, struct kobj *from, l4_timeout_s to, bool counter);
void ipc_cancel(struct thread *t, unsigned err);          /* abort a blocked IPC */
bool ipc_abort(struct thread *t);                         /* the same, without resuming it */
void ipc_timeout_expired(struct thread *t);
void ipc_thread_gone(struct thread *t);                   /* partners get errors */
bool ipc_kernel_send(struct thread *t, l4_cap_idx_t cap, l4_msgtag_t tag);
bool ipc_deliver_irq(struct thread *t, struct kobj *irq, unsigned long label);
bool ipc_kernel_call(struct thread *caller, struct kobj *o, unsigned rights, l4_msgtag_t tag, bool want_reply,
		     bool then_wait, l4_timeout_t to);

/* ---- objects ---------------------------------------------------------- */

struct gate {
	struct kobj obj;
	struct thread *thread;
	unsigned long label;
};
struct gate *gate_create(struct thread *t, unsigned long label);

struct irq {
	struct kobj obj;
	struct thread *thread;
	unsigned long label;
	unsigned pending;
	bool queued;                   /* in thread->pending_irqs */
	struct irq *next_pending;
	bool is_semaphore;
	struct thread *waiters;        /* semaphore: threads in down() */
};
struct irq *irq_create(bool semaphore);
bool irq_take(struct irq *q);
void irq_trigger(struct irq *q);
void irq_unbind(struct irq *q);

struct kobj *factory_create_root(void);
struct kobj *scheduler_get(void);
struct kobj *log_get(void);
struct kobj *debugger_get(void);
struct kobj *icu_get(void);

/* ---- time (timer.c) --------------------------------------------------- */

uint64_t now_ns(void);
void timer_start(void);
void timer_arm(struct thread *t, uint64_t deadline_ns);
void timer_disarm(struct thread *t);
uint64_t timeout_to_deadline(l4_timeout_s to, const l4_utcb_t *utcb, bool *never, bool *zero);

/* ---- boot, trace ------------------------------------------------------ */

struct boot_config {
	size_t mem_size;
	const char *root_path;
	const char *sigma0_path;
	uint64_t sigma0_ip, root_ip;  /* entry points, reported in the KIP */
	uint64_t bootinfo_phys;       /* KIP user_ptr: the boot modules (bootinfo.h) */
	int root_argc;
	/* Boot modules (--module, or the module lines of a modules.list). */
	unsigned nmodules;
	struct boot_module { const char *path, *name, *cmdline; } modules[64];
	char **root_argv;
	unsigned trace;
	bool verbose;
};
enum { TRACE_IPC = 1, TRACE_EXC = 2, TRACE_TASK = 4 };
extern struct boot_config boot;

void trace_ipc(const char *what, struct thread *from, struct thread *to, l4_msgtag_t tag,
	       unsigned long label, int err);
void kernel_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *thread_name(const struct thread *t);

/* bootlist.c: modules.list entries and ned scripts as boot configurations. */
void bootlist_add_path(const char *dirs);
int  bootlist_load(const char *list, const char *entry, const char *bin_dir);
int  bootlist_ned(const char *script, int nextra, char **extra, const char *bin_dir);

/* boot.c: sigma0 and the root task. */
extern struct task *root_task, *sigma0_task;
int  boot_system(void);
int  kip_init(void *kip);
void kip_calibrate(void);

/* elf.c: the kernel's boot loader. */
struct elf_image { uint64_t entry, phdr, phnum, lo, hi, phys; };
void *host_read_file(const char *path, size_t *len);
int  elf_load(const char *path, bool one_to_one, unsigned type, struct elf_image *im);
int  elf_stack(uint8_t *ktop, uint64_t utop, const struct elf_image *im, int argc, char **argv,
	       const uint64_t (*extra)[2], unsigned nextra, uint64_t *sp);

/* Physical memory (physmem.c): a simple page allocator over the memfd. */
struct l4_kernel_info_mem_desc_t;
int  physmem_init(size_t size);
size_t physmem_size(void);
/* type/sub: the KIP memory type (l4_mem_type_*) the block is described as. */
int64_t physmem_alloc(size_t len, unsigned type, unsigned sub);      /* from the top; offset or -ENOMEM */
int  physmem_claim(uint64_t start, size_t len, unsigned type, unsigned sub); /* at start: 0 or -errno */
unsigned physmem_memdescs(struct l4_kernel_info_mem_desc_t *md, unsigned max);
void *physmem_kview(uint64_t off);

/* Run fn on the supervisor (main) thread: forks must come from a thread
 * that lives as long as umol4, because the tasks die with their parent thread. */
int supervisor_call(int (*fn)(void *), void *arg);

#endif
