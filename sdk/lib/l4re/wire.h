/* The wire format of the L4Re protocols between the client library, the
 * in-task region manager (itas.c), the launcher (launch.c) and moe:
 * tag label = L4RE_PROTO_*, MR0 = opcode, arguments in MR1...; replies
 * carry the result as label (>= 0 or -L4_E*).  docs/l4re-runtime.md has
 * the table. */
#ifndef UMOL4_L4RE_WIRE_H
#define UMOL4_L4RE_WIRE_H

#include <l4/sys/types.h>
#include <l4/sys/utcb.h>

enum wire_ds_op        { DS_OP_MAP = 0, DS_OP_CLEAR = 1, DS_OP_INFO = 2, DS_OP_COPY_IN = 3, DS_OP_ALLOCATE = 4 };
enum wire_ns_op        { NS_OP_QUERY = 0, NS_OP_REGISTER = 1, NS_OP_LIST = 2 };
enum wire_parent_op    { PARENT_OP_SIGNAL = 0 };
enum wire_rm_op        { RM_OP_ATTACH = 0, RM_OP_DETACH = 1, RM_OP_FIND = 2, RM_OP_RESERVE_AREA = 3,
                         RM_OP_FREE_AREA = 4 };
enum wire_moe_debug_op { MOE_DEBUG_OP_MEMINFO = 0 };

/* Parent signal values beyond L4Re's "0 = exit": the itas reports an
 * exception nobody handled (value 128 + signal). */
#define PARENT_SIG_EXIT      0
#define PARENT_SIG_EXCEPTION 0x10

/* Names travel as MR[at] = length, then the bytes from MR[at + 1]. */
#define WIRE_NAME_MAX 200

/* Put len bytes of s at MR[at] on; returns the next free MR index. */
static inline unsigned wire_put_name(l4_msg_regs_t *m, unsigned at, const char *s, unsigned len)
{
	m->mr[at] = len;
	char *d = (char *)&m->mr[at + 1];
	for (unsigned i = 0; i < len; i++)
		d[i] = s[i];
	return at + 1 + (len + sizeof(l4_umword_t) - 1) / sizeof(l4_umword_t);
}

/* The name at MR[at], checked against the words received; NULL if it
 * does not fit. */
static inline const char *wire_get_name(const l4_msg_regs_t *m, unsigned at, unsigned words, unsigned *len)
{
	if (at >= words || m->mr[at] > WIRE_NAME_MAX ||
	    at + 1 + (m->mr[at] + sizeof(l4_umword_t) - 1) / sizeof(l4_umword_t) > words)
		return 0;
	*len = (unsigned)m->mr[at];
	return (const char *)&m->mr[at + 1];
}

#endif
