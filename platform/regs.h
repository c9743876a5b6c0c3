/* The x86-64 user register file as the kernel and every platform exchange
 * it: the word order of Fiasco's amd64 l4_exc_regs_t, so that an exception
 * message is a plain copy.  Plain enum: included by the freestanding stub. */
#ifndef UMOL4_PLATFORM_REGS_H
#define UMOL4_PLATFORM_REGS_H

#ifndef __ASSEMBLER__
enum plat_reg {
	PREG_R15, PREG_R14, PREG_R13, PREG_R12, PREG_R11, PREG_R10, PREG_R9, PREG_R8,
	PREG_RDI, PREG_RSI, PREG_RBP, PREG_PFA, PREG_RBX, PREG_RDX, PREG_RCX, PREG_RAX,
	PREG_TRAPNO, PREG_ERR, PREG_IP, PREG_CS, PREG_FLAGS, PREG_SP, PREG_SS,
	PREG_FS_BASE, PREG_GS_BASE, PREG_SEGS, PREG_COUNT
};
#endif

#define PREG_BIT(r) (1UL << (r))
/* The registers an exception handler's reply may load (not CS/SS/segments). */
#define PREG_MASK_USER \
	(PREG_BIT(PREG_R15) | PREG_BIT(PREG_R14) | PREG_BIT(PREG_R13) | PREG_BIT(PREG_R12) | \
	 PREG_BIT(PREG_R11) | PREG_BIT(PREG_R10) | PREG_BIT(PREG_R9) | PREG_BIT(PREG_R8) | \
	 PREG_BIT(PREG_RDI) | PREG_BIT(PREG_RSI) | PREG_BIT(PREG_RBP) | PREG_BIT(PREG_RBX) | \
	 PREG_BIT(PREG_RDX) | PREG_BIT(PREG_RCX) | PREG_BIT(PREG_RAX) | PREG_BIT(PREG_IP) | \
	 PREG_BIT(PREG_FLAGS) | PREG_BIT(PREG_SP))

#endif
