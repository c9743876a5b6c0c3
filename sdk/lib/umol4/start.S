/* Program entry of every L4 program built with umol4-cc: register the
 * system-call emulation with the stub (before libc makes its first Linux
 * system call), read the boot information, then enter musl's _start. */
	.text
	.globl __umol4_start
__umol4_start:
	mov	%rsp, %rdi
	and	$-16, %rsp
	push	%rdi
	push	%rdi
	call	__umol4_init
	pop	%rdi
	pop	%rdi
	mov	%rdi, %rsp
	xor	%ebp, %ebp
	jmp	_start
	.section .note.GNU-stack, "", @progbits
