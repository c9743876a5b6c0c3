/* The ptrace platform's stub: the only code in a task besides the L4
 * program.  Every system call a task thread makes stops it in the tracer
 * (PTRACE_SYSEMU), so these pieces just mark, by their address, what the
 * thread wants; the tracer does the rest with the thread's registers.
 * Offsets must match stub.h; .org pads with nop. */
#include "stub.h"
#include "../seccomp/layout.h"

	.section .l4entry, "ax"
	.globl _start
/* UMOL4_SYSCALL_ENTRY: l4_ipc() calls here.  The return address goes to
 * the tracer in rdi (clobbered by the ABI), so it needs no memory read. */
pstub_l4_entry:
	mov	(%rsp), %rdi
	syscall
	ret

/* A system call the tracer makes in a task thread (address-space changes,
 * clone) or lets a task thread make (futex, FS/GS base, exit_group): the
 * thread runs exactly this with registers the tracer set, then traps. */
	.org	PSTUB_SYSCALL, 0x90
	syscall
	int3

/* A trapped Linux system call goes to the task's emulation library with a
 * Linux ucontext, as a SIGSYS handler would; the closing system call tells
 * the tracer to load the registers the library left in the ucontext. */
	.org	PSTUB_EMULATE, 0x90
	mov	%rdi, %rbx
	call	*%rsi
	mov	%rbx, %rdi
	.org	PSTUB_EMUL_CALL, 0x90
	syscall
	ud2

/* Signal handler for faults: the kernel built the signal frame, whose
 * ucontext (rdx) carries the error code and trap number ptrace lacks. */
	.org	PSTUB_FAULT, 0x90
	syscall
	ud2

	.org	PSTUB_RESTORER, 0x90
	ud2

/* The tracer's address-space operations in one go: each op of the
 * request page (read-only in the task, so no task thread can change one
 * under the leader) from rbx up to r12 is a system call, made with
 * registers only.  The first failure ends the run, rbx past that op, so
 * the tracer knows which one failed; one stop serves up to a page of ops. */
	.org	PSTUB_BATCH, 0x90
1:	cmp	%r12, %rbx
	jae	2f
	mov	(%rbx), %rax
	mov	8(%rbx), %rdi
	mov	16(%rbx), %rsi
	mov	24(%rbx), %rdx
	mov	32(%rbx), %r10
	mov	40(%rbx), %r8
	mov	48(%rbx), %r9
	syscall
	add	$OP_SIZE, %rbx
	cmp	$-4095, %rax
	jb	1b
	.org	PSTUB_BATCH_TRAP, 0x90
2:	int3

/* The process entry never runs: the tracer catches the task at exec. */
_start:
	ud2
	.section .note.GNU-stack, "", @progbits
