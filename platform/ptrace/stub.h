/* The ptrace platform's stub: where its few instructions are.  The
 * tracer recognises a stop by the instruction pointer, so every piece sits
 * at a fixed offset from UMOL4_SYSCALL_ENTRY (see stub.S). */
#ifndef UMOL4_PTRACE_STUB_H
#define UMOL4_PTRACE_STUB_H

#include "../../sdk/include/l4/sys/__umol4_abi.h"

#define PSTUB_L4_SYSCALL   0x00   /* l4_ipc() entry: mov (%rsp),%rdi; syscall; ret */
#define PSTUB_L4_AFTER     0x06   /* IP at the entry's system-call stop */
#define PSTUB_SYSCALL      0x10   /* syscall; int3: the tracer's own system calls */
#define PSTUB_SYSCALL_DONE 0x13   /* IP after that int3 */
#define PSTUB_EMULATE      0x20   /* rdi = ucontext, rsi = emulation entry */
#define PSTUB_EMUL_CALL    0x30   /* its closing system call */
#define PSTUB_EMUL_AFTER   0x32
#define PSTUB_FAULT        0x40   /* fault signal handler: rdx = ucontext */
#define PSTUB_FAULT_AFTER  0x42
#define PSTUB_RESTORER     0x50   /* never used: the tracer loads registers itself */
#define PSTUB_BATCH        0x60   /* rbx = first op, r12 = end: the request page's ops */
#define PSTUB_BATCH_TRAP   0xa0   /* its int3, reached when done or after a failed op */
#define PSTUB_BATCH_DONE   0xa1   /* IP after that int3 */

#define PSTUB_ADDR(off)    (UMOL4_SYSCALL_ENTRY + (off))

#endif
