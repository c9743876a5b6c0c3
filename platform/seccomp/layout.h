/* Memory shared between the umol4 kernel and the trusted stub of one task
 * (seccomp platform).  Included by the freestanding stub and by the kernel,
 * so it holds only plain integers and structs.
 *
 * Each task has its own "kernel-user memory" memfd (fd KU_FD in the task).
 * The kernel maps all of it; the stub maps parts of it at fixed addresses:
 *
 *   offset            task address                  task access
 *   0x000000          STUB_REQ_ADDR   request page  read-only
 *   0x001000          UMOL4_KIP_ADDR  KIP           read + exec
 *   0x002000          STUB_TASK_ADDR  task page     read-write
 *   0x100000 + i*SLOT STUB_SLOT_ADDR  thread slots  read-write
 *   UTCB_OFF ...      (where the task asks)         read-write  (UTCB areas)
 *
 * The request page carries the kernel's address-space operations for the
 * stub's mapper thread (on the ptrace platform: for the leader's batch
 * loop, ptrace/stub.S).  It is read-only in the task, so no L4 thread can
 * change a request between the kernel's check and the mapper's use.
 * Everything in a slot or the task page is written by the task and is
 * untrusted: the kernel copies what it needs out of it once and checks it. */
#ifndef UMOL4_SECCOMP_LAYOUT_H
#define UMOL4_SECCOMP_LAYOUT_H

#include "../../sdk/include/l4/sys/__umol4_abi.h"
#include "../regs.h"

#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

/* File descriptors the stub process starts with. */
#define STUB_PHYS_FD   3   /* physical memory, shared by all tasks */
#define STUB_KU_FD     4   /* this task's kernel-user memory */
#define STUB_DONE_FD   5   /* the mapper's "request done" channel to the kernel */

#define STUB_REQ_OFF    UMOL4_UL(0x000000)
#define STUB_KIP_OFF    UMOL4_UL(0x001000)
#define STUB_TASK_OFF   UMOL4_UL(0x002000)
#define STUB_SLOT_OFF   UMOL4_UL(0x100000)
#define STUB_SLOT_SIZE  UMOL4_UL(0x10000)         /* 4 KiB frame + 60 KiB signal stack */
#define STUB_MAX_SLOTS  1024
#define STUB_UTCB_OFF   (STUB_SLOT_OFF + STUB_MAX_SLOTS * STUB_SLOT_SIZE)
#define STUB_KU_SIZE    (UMOL4_UL(1) << 32)       /* sparse; UTCB areas are carved above STUB_UTCB_OFF */

#define STUB_TEXT_ADDR  UMOL4_STUB_BASE
#define STUB_TEXT_MAX   UMOL4_UL(0x100000)
#define STUB_REQ_ADDR   (UMOL4_STUB_BASE + UMOL4_UL(0x100000))
#define STUB_TASK_ADDR  (UMOL4_STUB_BASE + UMOL4_UL(0x102000))
#define STUB_SLOT_ADDR  (UMOL4_STUB_BASE + UMOL4_UL(0x200000))
#define STUB_AREA_END   (STUB_SLOT_ADDR + STUB_MAX_SLOTS * STUB_SLOT_SIZE)
#define STUB_FRAME_SIZE UMOL4_UL(0x1000)

/* Values of enum stub_entry_kind / stub_resume_kind for assembly. */
#define ENTRY_SYSCALL_N 1
#define ENTRY_BIRTH_N   3
#define RESUME_FAST_N   1
#ifndef __ASSEMBLER__
/* Why a thread entered the kernel (frame.kind). */
enum stub_entry_kind {
	ENTRY_SYSCALL = 1,   /* l4_ipc() through the entry page */
	ENTRY_EXCEPTION,     /* CPU exception or trapped Linux system call */
	ENTRY_BIRTH,         /* a new thread is ready to be started */
	ENTRY_KICK,          /* the kernel interrupted the running thread */
};

/* How the kernel lets the thread go on (frame.resume). */
enum stub_resume_kind {
	RESUME_FAST = 1,     /* return tag and label from l4_ipc() */
	RESUME_REGS,         /* load the registers in frame.regs selected by regs_mask */
	RESUME_REGS_ENTER,   /* load them, then enter again at once (ENTRY_KICK) with all registers */
};

struct stub_sigstack {      /* Linux stack_t */
	uint64_t sp;
	int32_t flags, pad;
	uint64_t size;
};

/* One per L4 thread, at the start of its slot; %gs points here. */
struct stub_frame {
	uint64_t utcb;            /* +0  %gs:0 = UTCB address, as on Fiasco */
	uint64_t self;            /* +8  this frame's address */
	uint32_t req_seq;         /* +16 bumped by the thread to enter (futex) */
	uint32_t resp_seq;        /* +20 set to req_seq by the kernel to resume (futex) */
	uint32_t kind;            /* +24 enum stub_entry_kind */
	uint32_t resume;          /* +28 enum stub_resume_kind */
	uint64_t tag;             /* +32 in/out: message tag */
	uint64_t dest;            /* +40 in: capability | flags */
	uint64_t label;           /* +48 in/out: label */
	uint64_t timeout;         /* +56 in: timeout */
	uint64_t user_ip;         /* +64 in: return address of l4_ipc's call */
	uint64_t user_sp;         /* +72 in: stack pointer before the call */
	uint64_t tid;             /* +80 Linux thread id (CLONE_PARENT_SETTID) */
	uint64_t regs_mask;       /* +88 which regs[] to load on RESUME_REGS */
	struct stub_sigstack altstack; /* +96 */
	uint64_t regs[PREG_COUNT]; /* +120 full register file */
	uint64_t syscall_nr;      /* trapped Linux system call number */
};

#endif /* !__ASSEMBLER__ */

#define FRAME_UTCB       0
#define FRAME_SELF       8
#define FRAME_REQ_SEQ    16
#define FRAME_RESP_SEQ   20
#define FRAME_KIND       24
#define FRAME_RESUME     28
#define FRAME_TAG        32
#define FRAME_DEST       40
#define FRAME_LABEL      48
#define FRAME_TIMEOUT    56
#define FRAME_USER_IP    64
#define FRAME_USER_SP    72
#define FRAME_TID        80
#define FRAME_ALTSTACK   96

#ifndef __ASSEMBLER__
/* The task page: written by the task's own code. */
struct stub_task_page {
	/* If set, trapped Linux system calls are handed to this function in the
	 * task (the emulation library below libc) instead of being reported to
	 * the kernel as exceptions.  It gets the Linux ucontext_t. */
	uint64_t emul_entry;
};

/* One address-space operation for the mapper: a Linux system call number
 * and its arguments.  The mapper's seccomp filter admits only the calls
 * the kernel needs (mmap of the two memfds, munmap, mprotect, clone). */
struct stub_op {
	uint64_t nr;
	uint64_t arg[6];
	uint64_t frame;           /* clone only: the new thread's frame */
};

#endif /* !__ASSEMBLER__ */

/* As many as fit in the one request page after its header. */
#define STUB_MAX_OPS 63

#ifndef __ASSEMBLER__
struct stub_req_page {
	uint32_t seq;             /* bumped by the kernel for each batch (futex) */
	uint32_t nops;
	uint64_t pad;
	struct stub_op ops[STUB_MAX_OPS];
};
_Static_assert(sizeof(struct stub_req_page) <= 0x1000, "the request page is one page in the task");

#endif

#define REQ_SEQ   0
#define REQ_NOPS  4
#define REQ_OPS   16
#define OP_SIZE   64

#endif
