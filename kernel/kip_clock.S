/* The clock code every task finds in its KIP (l4_kip_clock() calls
 * KIP+0x900 for microseconds, KIP+0x980 for nanoseconds).  It scales the
 * TSC with factors the kernel stores at KIP+0x800, so reading the clock
 * needs no kernel entry.  Copied as one blob to KIP+0x800; position
 * independent. */
	.section .rodata
	.globl kip_clock_blob, kip_clock_blob_end
	.balign 16
kip_clock_blob:				/* KIP + 0x800 */
tsc0:	.quad 0				/* TSC at ns0 */
mult:	.quad 0				/* ns per TSC tick, 32.32 fixed point */
ns0:	.quad 0				/* CLOCK_MONOTONIC at tsc0 */
rt_off:	.quad 0				/* CLOCK_REALTIME - CLOCK_MONOTONIC, ns (umol4_kip_realtime_offset_ns) */
	.org kip_clock_blob + 0x100	/* KIP + 0x900: microseconds */
	call	1f
	xor	%edx, %edx
	mov	$1000, %ecx
	div	%rcx
	ret
	.org kip_clock_blob + 0x180	/* KIP + 0x980: nanoseconds */
1:	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	sub	tsc0(%rip), %rax
	mulq	mult(%rip)
	shrd	$32, %rdx, %rax
	add	ns0(%rip), %rax
	ret
	.org kip_clock_blob + 0x200
kip_clock_blob_end:
	.section .note.GNU-stack, "", @progbits
