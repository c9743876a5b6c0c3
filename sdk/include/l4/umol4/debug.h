/* umol4's own debugger operations, for tests and tools: verify the
 * mapping database and each task's host view against it, and ask what a
 * task has mapped at an address.  Not part of the L4Re interface. */
#ifndef L4_UMOL4_DEBUG_H
#define L4_UMOL4_DEBUG_H

#include <l4/sys/consts.h>
#include <l4/sys/ipc.h>
#include <l4/sys/types.h>
#include <l4/sys/utcb.h>

enum {
	UMOL4_DEBUGGER_CHECK_OP = 0x7500,  /* -> label: number of violations */
	UMOL4_DEBUGGER_PROBE_OP = 0x7501,  /* task item, MR1 addr -> MR0 rights (1 R, 2 W, 4 X), MR1 frame */
	UMOL4_DEBUGGER_RESIDENT_OP = 0x7502, /* task item -> MR0 bytes resident on the host (VmRSS) */
	UMOL4_DEBUGGER_PRIO_OP = 0x7503,   /* thread item -> MR0 its scheduling priority */
};

/* Checks every invariant of the mapping database and that the Linux
 * address space of every task is exactly what the kernel says.  Returns
 * the number of violations (each is printed on the kernel log). */
L4_INLINE long umol4_check_memory(void)
{
	l4_utcb_mr()->mr[0] = UMOL4_DEBUGGER_CHECK_OP;
	return l4_error(l4_ipc_call(L4_BASE_DEBUGGER_CAP, l4_utcb(), l4_msgtag(L4_PROTO_DEBUGGER, 1, 0, 0),
				    L4_IPC_NEVER));
}

/* The rights task has at addr (0: nothing mapped there). */
L4_INLINE unsigned umol4_probe(l4_cap_idx_t task, l4_addr_t addr)
{
	l4_msg_regs_t *m = l4_utcb_mr();
	m->mr[0] = UMOL4_DEBUGGER_PROBE_OP;
	m->mr[1] = addr;
	m->mr[2] = L4_ITEM_MAP;
	m->mr[3] = l4_obj_fpage(task, 0, L4_CAP_FPAGE_RWS).raw;
	l4_msgtag_t t = l4_ipc_call(L4_BASE_DEBUGGER_CAP, l4_utcb(), l4_msgtag(L4_PROTO_DEBUGGER, 2, 1, 0),
				    L4_IPC_NEVER);
	return l4_error(t) ? 0 : (unsigned)l4_utcb_mr()->mr[0];
}
/* One object (sent as a capability item) in, one word out; -1 on error. */
L4_INLINE long umol4__object_query(unsigned long op, l4_cap_idx_t obj)
{
	l4_msg_regs_t *m = l4_utcb_mr();
	m->mr[0] = op;
	m->mr[1] = L4_ITEM_MAP;
	m->mr[2] = l4_obj_fpage(obj, 0, L4_CAP_FPAGE_RWS).raw;
	l4_msgtag_t t = l4_ipc_call(L4_BASE_DEBUGGER_CAP, l4_utcb(), l4_msgtag(L4_PROTO_DEBUGGER, 1, 1, 0),
				    L4_IPC_NEVER);
	return l4_error(t) ? -1 : (long)l4_utcb_mr()->mr[0];
}

/* How much of task's address space the host has populated (its process's
 * VmRSS, including umol4's own pages), in bytes; 0 on error. */
L4_INLINE unsigned long umol4_resident(l4_cap_idx_t task)
{
	long r = umol4__object_query(UMOL4_DEBUGGER_RESIDENT_OP, task);
	return r < 0 ? 0 : (unsigned long)r;
}

/* The priority the kernel holds for thread (set by l4_scheduler_run_thread
 * through whatever scheduler object); -1 on error. */
L4_INLINE long umol4_thread_prio(l4_cap_idx_t thread)
{ return umol4__object_query(UMOL4_DEBUGGER_PRIO_OP, thread); }
#endif
