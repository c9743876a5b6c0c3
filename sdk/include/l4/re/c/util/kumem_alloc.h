/* Kernel-user memory (UTCBs, vCPU state) for this task. */
#ifndef L4_RE_C_UTIL_KUMEM_ALLOC_H
#define L4_RE_C_UTIL_KUMEM_ALLOC_H

#include <l4/sys/types.h>

L4_BEGIN_DECLS

/* 2^pages_order pages of kernel-user memory, at *mem: taken from the
 * task's UTCB area while it lasts, else a new area attached through rm
 * and given to the kernel with l4_task_add_ku_mem. */
int l4re_util_kumem_alloc(l4_addr_t *mem, unsigned pages_order, l4_cap_idx_t task, l4_cap_idx_t rm) L4_NOTHROW;

L4_END_DECLS

#endif
