/* The parent protocol: how a program tells its starter that it ends
 * (signal 0 with the exit code as value). */
#ifndef L4_RE_C_PARENT_H
#define L4_RE_C_PARENT_H

#include <l4/sys/types.h>

L4_BEGIN_DECLS

long l4re_parent_signal(l4_cap_idx_t parent, unsigned long sig, unsigned long val) L4_NOTHROW;

L4_END_DECLS

#endif
