/* The one place where umol4 departs from Fiasco's amd64 ABI: how an L4
 * system call reaches the kernel.  On real hardware l4_ipc() executes the
 * `syscall` instruction; umol4 tasks are Linux processes, so l4_ipc() calls
 * a function at a fixed address in a read-only page that the umol4 kernel
 * maps into every task.  Each platform (seccomp, ptrace) fills that page with
 * its own entry code, so the same L4 binary runs on either.
 *
 * Register convention of the entry (the same registers Fiasco uses):
 *   in:  rax = message tag, rdx = destination capability | L4_SYSF_* flags,
 *        rsi = label, r8 = timeout
 *   out: rax = result tag, rsi = received label
 *   clobbered: rcx, rdx, rdi, r8, r9, r10, r11, r15, flags, memory
 * The caller steps over the 128-byte red zone before the call, so code
 * compiled with the normal x86-64 ABI is safe.
 *
 * The UTCB is found as on Fiasco/amd64: %gs:0 holds the UTCB address. */
#ifndef UMOL4_SYS_ABI_H
#define UMOL4_SYS_ABI_H

/* Constants usable from C and from assembly. */
#ifdef __ASSEMBLER__
#define UMOL4_UL(x) x
#else
#define UMOL4_UL(x) x##UL
#endif

/* Everything from here to the top of the user address space belongs to
 * umol4 (trusted stub, entry page, KIP); L4 programs live below it. */
#define UMOL4_STUB_BASE      UMOL4_UL(0x7e0000000000)
#define UMOL4_USER_END       UMOL4_STUB_BASE

/* The L4 system-call entry (read-only, executable). */
#define UMOL4_SYSCALL_ENTRY  UMOL4_UL(0x7e0000000000)

/* The kernel info page, mapped read-only (and executable, for the clock
 * code at +0x900 / +0x980) into every task. */
#define UMOL4_KIP_ADDR       UMOL4_UL(0x7e0000101000)

/* sigma0 finds all physical memory at this address plus the physical
 * address (the kernel maps it there at boot; physical memory is at most
 * 1 TiB). */
#define UMOL4_SIGMA0_RAM_BASE UMOL4_UL(0x100000000000)

/* The KIP memory descriptor (type l4_mem_type_info) of the page in
 * physical memory that holds a copy of the KIP, which sigma0 maps to
 * clients that ask for the KIP. */
#define UMOL4_MEMDESC_SUB_KIP 1

/* umol4's own aux-vector entries: the heap the kernel gives a boot task
 * (sigma0, the root task), and the regions a launcher set up for the
 * in-task region manager (sdk/lib/l4re/runtime.h). */
#define UMOL4_AT_HEAP        0xf8
#define UMOL4_AT_HEAP_SIZE   0xf9
#define UMOL4_AT_REGIONS     0xfa

/* Aux-vector entries that L4Re's libc start-up reads. */
#define UMOL4_AT_L4_AUX      0xf0
#define UMOL4_AT_L4_ENV      0xf1
#define UMOL4_AT_L4_KIP      0xf2

#endif
