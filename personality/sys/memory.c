/* Memory calls: mmap of anonymous memory (the root task's heap in
 * physical memory, a dataspace per mapping in a launched program),
 * munmap, brk (none: musl's malloc falls back to mmap). */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/mman.h>
#include <l4/sys/consts.h>
#include <l4/sys/ipc.h>
#include <l4/re/env.h>
#include <l4/re/protocols.h>
#include <l4/re/c/mem_alloc.h>
#include <l4/re/c/rm.h>
#include <l4/re/c/util/cap_alloc.h>
#include "../../sdk/lib/l4re/runtime.h"
#include "../../sdk/lib/l4re/wire.h"
#include "../posix.h"

static uintptr_t heap_next, heap_end;

void memory_init(uintptr_t heap, uintptr_t heap_size)
{
	heap_next = heap;
	heap_end = heap + heap_size;
}

/* mmap for a launched program: a dataspace of its own per mapping, so
 * that munmap gives the memory back to the allocator. */
static long ds_mmap(uintptr_t len)
{
	l4_cap_idx_t ds = l4re_util_cap_alloc();
	if (l4_is_invalid_cap(ds))
		return -ENOMEM;
	void *at = (void *)RUNTIME_HEAP_BASE;
	if (l4re_ma_alloc(len, ds, 0) < 0) {
		l4re_util_cap_free(ds);
		return -ENOMEM;
	}
	if (l4re_rm_attach(&at, len, L4RE_RM_F_RW | L4RE_RM_F_SEARCH_ADDR, ds, 0, L4_PAGESHIFT) < 0) {
		l4re_util_cap_free_um(ds);
		return -ENOMEM;
	}
	return (long)at;
}

/* Only a whole mapping releases its dataspace; a part of one is detached
 * and its pages stay allocated until the rest goes too. */
static long ds_munmap(uintptr_t addr, uintptr_t len)
{
	for (;;) {
		l4_msg_regs_t *m = l4_utcb_mr();
		m->mr[0] = RM_OP_DETACH;
		m->mr[1] = addr;
		m->mr[2] = len;
		m->mr[3] = 0;
		long r = l4_error(l4_ipc_call(l4re_env()->rm, l4_utcb(), l4_msgtag(L4RE_PROTO_RM, 4, 0, 0),
					      L4_IPC_NEVER));
		if (r < 0)
			return 0;
		if ((r & 3) == 0)
			l4re_util_cap_free_um(m->mr[2]);
		if (!(r & 4))
			return 0;
	}
}

POSIX_HANDLER(sys_mmap)
{
	/* Files are not mapped yet; a fixed address would need a region the
	 * program reserved, which nothing does so far. */
	if (!(a4 & MAP_ANONYMOUS) || (a4 & MAP_FIXED) || a1)
		return -ENOMEM;
	uintptr_t len = ((uintptr_t)a2 + 0xfff) & ~0xfffUL;
	if (posix_launched)
		return ds_mmap(len);
	if (len > heap_end - heap_next)
		return -ENOMEM;
	uintptr_t p = heap_next;
	heap_next += len;
	return (long)p;
}

POSIX_HANDLER(sys_munmap)
{
	if (posix_launched)
		return ds_munmap((uintptr_t)a1, ((uintptr_t)a2 + 0xfff) & ~0xfffUL);
	return 0;
}

POSIX_HANDLER(sys_brk)
{
	return 0;
}

/* Calls a single-threaded program without signals may treat as done:
 * memory protection and advice, signal masks and handlers. */
POSIX_HANDLER(sys_ignored)
{
	return 0;
}
