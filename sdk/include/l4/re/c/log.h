/* Printing to the program's log (L4Re::Log, a vcon). */
#ifndef L4_RE_C_LOG_H
#define L4_RE_C_LOG_H

#include <l4/sys/types.h>
#include <l4/re/env.h>

L4_BEGIN_DECLS

void l4re_log_printn_srv(l4_cap_idx_t logcap, char const *string, int len) L4_NOTHROW;
void l4re_log_print_srv(l4_cap_idx_t logcap, char const *string) L4_NOTHROW;

L4_INLINE void l4re_log_printn(char const *string, int len) L4_NOTHROW
{ l4re_log_printn_srv(l4re_env()->log, string, len); }
L4_INLINE void l4re_log_print(char const *string) L4_NOTHROW
{ l4re_log_print_srv(l4re_env()->log, string); }

L4_END_DECLS

#endif
