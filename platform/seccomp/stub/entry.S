/* The trusted stub's assembly: the L4 system-call entry (the page every
 * L4 program calls), the process start, the mapper loop and the birth of
 * new threads.
 *
 * The mapper loop and the birth code use registers only, never writable
 * memory: every writable page of a task is writable by its L4 threads, so
 * a stack there would let them steer a thread that may call mmap. */
#include <asm/unistd.h>
#include "../layout.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define SIG_SETMASK 2
#define ARCH_SET_GS 0x1001
#define SECCOMP_SET_MODE_FILTER 1

	.section .l4entry, "ax"
/* l4_ipc() lands here (UMOL4_SYSCALL_ENTRY).  Register convention in
 * __umol4_abi.h.  The request goes through this thread's frame (%gs), the
 * kernel is woken by a futex on req_seq, the answer comes back on resp_seq. */
	.globl stub_l4_entry
stub_l4_entry:
	mov	%gs:FRAME_SELF, %rdi
	mov	%rax, FRAME_TAG(%rdi)
	mov	%rdx, FRAME_DEST(%rdi)
	mov	%rsi, FRAME_LABEL(%rdi)
	mov	%r8, FRAME_TIMEOUT(%rdi)
	mov	(%rsp), %rcx
	mov	%rcx, FRAME_USER_IP(%rdi)
	lea	136(%rsp), %rcx			/* return address + red zone */
	mov	%rcx, FRAME_USER_SP(%rdi)
	movl	$ENTRY_SYSCALL_N, FRAME_KIND(%rdi)
	mov	FRAME_REQ_SEQ(%rdi), %r15d
	inc	%r15d
	mov	%r15d, FRAME_REQ_SEQ(%rdi)
	lea	FRAME_REQ_SEQ(%rdi), %rdi
	mov	$FUTEX_WAKE, %esi
	mov	$1, %edx
	mov	$__NR_futex, %eax
	syscall
	sub	$FRAME_REQ_SEQ, %rdi
1:	mov	FRAME_RESP_SEQ(%rdi), %edx
	cmp	%edx, %r15d
	je	2f
	lea	FRAME_RESP_SEQ(%rdi), %rdi
	xor	%esi, %esi			/* FUTEX_WAIT, shared: the kernel is another process */
	xor	%r10d, %r10d
	mov	$__NR_futex, %eax
	syscall
	sub	$FRAME_RESP_SEQ, %rdi
	jmp	1b
2:	cmpl	$RESUME_FAST_N, FRAME_RESUME(%rdi)
	jne	stub_full_resume
	mov	FRAME_TAG(%rdi), %rax
	mov	FRAME_LABEL(%rdi), %rsi
	ret
/* The kernel wants more registers changed than rax/rsi (ex_regs of a
 * blocked thread): trap, and let the signal handler load them. */
	.globl stub_full_resume
stub_full_resume:
	ud2
	.globl stub_l4_entry_end
stub_l4_entry_end:

	.text
/* Process entry after execve.  stub_setup() runs on the exec stack; then
 * everything outside the umol4 area goes (exec stack, vdso), the mapper
 * filter is installed and the mapper loop starts. */
	.globl _start
_start:
	and	$-16, %rsp
	call	stub_setup
	xor	%edi, %edi
	movabs	$STUB_TEXT_ADDR, %rsi
	mov	$__NR_munmap, %eax
	syscall
	movabs	$STUB_AREA_END, %rdi
	movabs	$0x7ffffffff000, %rsi
	sub	%rdi, %rsi
	mov	$__NR_munmap, %eax
	syscall
	xor	%esp, %esp
	mov	$SECCOMP_SET_MODE_FILTER, %edi
	xor	%esi, %esi
	lea	stub_mapper_prog(%rip), %rdx
	mov	$__NR_seccomp, %eax
	syscall
	test	%rax, %rax
	jnz	stub_die

/* The mapper: wait for a batch on the request page, run each operation,
 * report "done" (one byte: 0 ok, 1 some operation failed) to the kernel.
 * r13d = last batch seen, rbx = current op, r14 = ops left, r15 = status. */
stub_mapper_loop:
	xor	%r13d, %r13d
1:	movabs	$STUB_REQ_ADDR, %rbx
	mov	REQ_SEQ(%rbx), %edx
	cmp	%edx, %r13d
	jne	2f
	mov	%rbx, %rdi
	xor	%esi, %esi
	xor	%r10d, %r10d
	mov	$__NR_futex, %eax
	syscall
	jmp	1b
2:	mov	%edx, %r13d
	mov	REQ_NOPS(%rbx), %r14d
	cmp	$STUB_MAX_OPS, %r14
	jbe	3f
	mov	$STUB_MAX_OPS, %r14d
3:	lea	REQ_OPS(%rbx), %rbx
	xor	%r15d, %r15d
4:	test	%r14, %r14
	jz	6f
	mov	0(%rbx), %r12
	mov	8(%rbx), %rdi
	mov	16(%rbx), %rsi
	mov	24(%rbx), %rdx
	mov	32(%rbx), %r10
	mov	40(%rbx), %r8
	mov	48(%rbx), %r9
	mov	56(%rbx), %rbp
	mov	%r12, %rax
	syscall
	cmp	$__NR_clone, %r12
	jne	5f
	test	%rax, %rax
	jz	stub_thread_birth
5:	cmp	$-4095, %rax
	jb	7f
	mov	$1, %r15d
7:	add	$OP_SIZE, %rbx
	dec	%r14
	jmp	4b
6:	mov	$STUB_DONE_FD, %edi
	lea	stub_status_bytes(%rip), %rsi
	add	%r15, %rsi
	mov	$1, %edx
	mov	$__NR_write, %eax
	syscall
	jmp	1b

/* A new L4 thread (child of the mapper's clone; rbp = its frame).  It sets
 * its signal stack and %gs, unblocks signals, confines itself with the L4
 * filter and traps into the birth point, where the signal handler reports
 * it to the kernel and waits for its first registers. */
stub_thread_birth:
	lea	FRAME_ALTSTACK(%rbp), %rdi
	xor	%esi, %esi
	mov	$__NR_sigaltstack, %eax
	syscall
	test	%rax, %rax
	jnz	stub_die
	mov	$ARCH_SET_GS, %edi
	mov	%rbp, %rsi
	mov	$__NR_arch_prctl, %eax
	syscall
	mov	$SIG_SETMASK, %edi
	lea	stub_empty_sigset(%rip), %rsi
	xor	%edx, %edx
	mov	$8, %r10d
	mov	$__NR_rt_sigprocmask, %eax
	syscall
	mov	$SECCOMP_SET_MODE_FILTER, %edi
	xor	%esi, %esi
	lea	stub_l4_prog(%rip), %rdx
	mov	$__NR_seccomp, %eax
	syscall
	test	%rax, %rax
	jnz	stub_die
	.globl stub_birth_point
stub_birth_point:
	ud2

	.globl stub_die
stub_die:
	mov	$127, %edi
	mov	$__NR_exit_group, %eax
	syscall
	hlt

	.globl stub_restorer
stub_restorer:
	mov	$__NR_rt_sigreturn, %eax
	syscall
	hlt

	.section .rodata
stub_status_bytes:
	.byte 0, 1
	.balign 8
stub_empty_sigset:
	.quad 0
	.section .note.GNU-stack, "", @progbits
