/* The L4Re C API on the client side: dataspaces, region map, memory
 * allocation, namespaces, log, parent, and the capability and kernel-user
 * memory allocators.  Each call is one IPC in the format of wire.h. */
#include <l4/re/env.h>
#include <l4/re/protocols.h>
#include <l4/re/c/dataspace.h>
#include <l4/re/c/rm.h>
#include <l4/re/c/mem_alloc.h>
#include <l4/re/c/namespace.h>
#include <l4/re/c/log.h>
#include <l4/re/c/parent.h>
#include <l4/re/c/util/cap_alloc.h>
#include <l4/re/c/util/kumem_alloc.h>
#include <l4/sys/err.h>
#include <l4/sys/factory.h>
#include <l4/sys/ipc.h>
#include <l4/sys/task.h>
#include <l4/sys/vcon.h>
#include "wire.h"

l4re_env_t *l4re_global_env;

static long call(l4_cap_idx_t obj, long proto, unsigned words, unsigned items)
{
	return l4_error(l4_ipc_call(obj, l4_utcb(), l4_msgtag(proto, words, items, 0), L4_IPC_NEVER));
}

/* ---- dataspaces ------------------------------------------------------- */

int l4re_ds_map(l4re_ds_t ds, l4re_ds_offset_t offset, l4re_ds_flags_t flags, l4re_ds_map_addr_t local_addr,
		l4re_ds_map_addr_t min_addr, l4re_ds_map_addr_t max_addr) L4_NOTHROW
{
	l4_addr_t page = local_addr & ~(L4_PAGESIZE - 1);
	if (page < (min_addr & ~(L4_PAGESIZE - 1)) || page > max_addr)
		return -L4_ERANGE;
	l4_msg_regs_t *m = l4_utcb_mr();
	l4_buf_regs_t *b = l4_utcb_br();
	m->mr[0] = DS_OP_MAP;
	m->mr[1] = offset;
	m->mr[2] = page;
	m->mr[3] = flags;
	b->bdr = 0;
	b->br[0] = L4_ITEM_MAP;
	b->br[1] = l4_fpage(page, L4_PAGESHIFT, L4_FPAGE_RWX).raw;
	return (int)call(ds, L4RE_PROTO_DATASPACE, 4, 0);
}

int l4re_ds_map_region(l4re_ds_t ds, l4re_ds_offset_t offset, l4re_ds_flags_t flags, l4re_ds_map_addr_t min_addr,
		       l4re_ds_map_addr_t max_addr) L4_NOTHROW
{
	for (l4_addr_t a = min_addr & ~(L4_PAGESIZE - 1); a <= max_addr; a += L4_PAGESIZE, offset += L4_PAGESIZE) {
		int r = l4re_ds_map(ds, offset, flags, a, a, a + L4_PAGESIZE - 1);
		if (r < 0)
			return r;
	}
	return 0;
}

static long ds_range_op(l4re_ds_t ds, unsigned op, l4re_ds_offset_t offset, l4re_ds_size_t size)
{
	l4_msg_regs_t *m = l4_utcb_mr();
	m->mr[0] = op;
	m->mr[1] = offset;
	m->mr[2] = size;
	return call(ds, L4RE_PROTO_DATASPACE, 3, 0);
}

long l4re_ds_clear(l4re_ds_t ds, l4re_ds_offset_t offset, l4re_ds_size_t size) L4_NOTHROW
{ return ds_range_op(ds, DS_OP_CLEAR, offset, size); }

long l4re_ds_allocate(l4re_ds_t ds, l4re_ds_offset_t offset, l4re_ds_size_t size) L4_NOTHROW
{ return ds_range_op(ds, DS_OP_ALLOCATE, offset, size); }

int l4re_ds_copy_in(l4re_ds_t ds, l4re_ds_offset_t dst_offs, l4re_ds_t src, l4re_ds_offset_t src_offs,
		    l4re_ds_size_t size) L4_NOTHROW
{
	l4_msg_regs_t *m = l4_utcb_mr();
	m->mr[0] = DS_OP_COPY_IN;
	m->mr[1] = dst_offs;
	m->mr[2] = src_offs;
	m->mr[3] = size;
	m->mr[4] = l4_map_obj_control(0, 0);
	m->mr[5] = l4_obj_fpage(src, 0, L4_CAP_FPAGE_RWS).raw;
	return (int)call(ds, L4RE_PROTO_DATASPACE, 4, 1);
}

int l4re_ds_info(l4re_ds_t ds, l4re_ds_stats_t *stats) L4_NOTHROW
{
	l4_utcb_mr()->mr[0] = DS_OP_INFO;
	long r = call(ds, L4RE_PROTO_DATASPACE, 1, 0);
	if (r < 0)
		return (int)r;
	stats->size = l4_utcb_mr()->mr[0];
	stats->flags = l4_utcb_mr()->mr[1];
	return 0;
}

l4re_ds_size_t l4re_ds_size(l4re_ds_t ds) L4_NOTHROW
{
	l4re_ds_stats_t s = { 0, 0 };
	int r = l4re_ds_info(ds, &s);
	return r < 0 ? (l4re_ds_size_t)(long)r : s.size;
}

l4re_ds_flags_t l4re_ds_flags(l4re_ds_t ds) L4_NOTHROW
{
	l4re_ds_stats_t s = { 0, 0 };
	int r = l4re_ds_info(ds, &s);
	return r < 0 ? (l4re_ds_flags_t)(long)r : s.flags;
}

/* ---- region map: the itas shares our capability space, so a dataspace
 * is named by its selector, not sent as a capability. ------------------ */

int l4re_rm_attach_srv(l4_cap_idx_t rm, void **start, unsigned long size, l4re_rm_flags_t flags, l4re_ds_t mem,
		       l4re_rm_offset_t offs, unsigned char align) L4_NOTHROW
{
	l4_msg_regs_t *m = l4_utcb_mr();
	m->mr[0] = RM_OP_ATTACH;
	m->mr[1] = (l4_umword_t)*start;
	m->mr[2] = size;
	m->mr[3] = flags;
	m->mr[4] = offs;
	m->mr[5] = align;
	m->mr[6] = mem;
	long r = call(rm, L4RE_PROTO_RM, 7, 0);
	if (r >= 0)
		*start = (void *)l4_utcb_mr()->mr[0];
	return (int)r;
}

int l4re_rm_detach_ds_unmap_srv(l4_cap_idx_t rm, void *addr, l4re_ds_t *ds, l4_cap_idx_t task) L4_NOTHROW
{
	(void)task;   /* the itas unmaps from this task, the only one it manages */
	l4_msg_regs_t *m = l4_utcb_mr();
	m->mr[0] = RM_OP_DETACH;
	m->mr[1] = (l4_umword_t)addr;
	long r = call(rm, L4RE_PROTO_RM, 2, 0);
	if (r >= 0 && ds)
		*ds = l4_utcb_mr()->mr[2];
	return (int)r;
}

int l4re_rm_detach_srv(l4_cap_idx_t rm, void *addr) L4_NOTHROW
{ return l4re_rm_detach_ds_unmap_srv(rm, addr, 0, L4RE_THIS_TASK_CAP); }
int l4re_rm_detach_ds_srv(l4_cap_idx_t rm, void *addr, l4re_ds_t *ds) L4_NOTHROW
{ return l4re_rm_detach_ds_unmap_srv(rm, addr, ds, L4RE_THIS_TASK_CAP); }
int l4re_rm_detach_unmap_srv(l4_cap_idx_t rm, l4_addr_t addr, l4_cap_idx_t task) L4_NOTHROW
{ return l4re_rm_detach_ds_unmap_srv(rm, (void *)addr, 0, task); }

int l4re_rm_find_srv(l4_cap_idx_t rm, l4_addr_t *addr, unsigned long *size, l4re_rm_offset_t *offset,
		     l4re_rm_flags_t *flags, l4re_ds_t *ds) L4_NOTHROW
{
	l4_msg_regs_t *m = l4_utcb_mr();
	m->mr[0] = RM_OP_FIND;
	m->mr[1] = *addr;
	m->mr[2] = *size;
	long r = call(rm, L4RE_PROTO_RM, 3, 0);
	if (r < 0)
		return (int)r;
	*addr = m->mr[0];
	*size = m->mr[1];
	*offset = m->mr[2];
	*flags = (l4re_rm_flags_t)m->mr[3];
	*ds = m->mr[4];
	return 0;
}

int l4re_rm_reserve_area_srv(l4_cap_idx_t rm, l4_addr_t *start, unsigned long size, l4re_rm_flags_t flags,
			     unsigned char align) L4_NOTHROW
{
	l4_msg_regs_t *m = l4_utcb_mr();
	m->mr[0] = RM_OP_RESERVE_AREA;
	m->mr[1] = *start;
	m->mr[2] = size;
	m->mr[3] = flags;
	m->mr[4] = align;
	long r = call(rm, L4RE_PROTO_RM, 5, 0);
	if (r >= 0)
		*start = m->mr[0];
	return (int)r;
}

int l4re_rm_free_area_srv(l4_cap_idx_t rm, l4_addr_t addr) L4_NOTHROW
{
	l4_utcb_mr()->mr[0] = RM_OP_FREE_AREA;
	l4_utcb_mr()->mr[1] = addr;
	return (int)call(rm, L4RE_PROTO_RM, 2, 0);
}

void l4re_rm_show_lists_srv(l4_cap_idx_t rm) L4_NOTHROW { (void)rm; }

int l4re_rm_reserve_area(l4_addr_t *start, unsigned long size, l4re_rm_flags_t flags, unsigned char align) L4_NOTHROW
{ return l4re_rm_reserve_area_srv(l4re_env()->rm, start, size, flags, align); }
int l4re_rm_free_area(l4_addr_t addr) L4_NOTHROW
{ return l4re_rm_free_area_srv(l4re_env()->rm, addr); }
int l4re_rm_attach(void **start, unsigned long size, l4re_rm_flags_t flags, l4re_ds_t mem, l4re_rm_offset_t offs,
		   unsigned char align) L4_NOTHROW
{ return l4re_rm_attach_srv(l4re_env()->rm, start, size, flags, mem, offs, align); }
int l4re_rm_detach(void *addr) L4_NOTHROW
{ return l4re_rm_detach_srv(l4re_env()->rm, addr); }
int l4re_rm_detach_ds(void *addr, l4re_ds_t *ds) L4_NOTHROW
{ return l4re_rm_detach_ds_srv(l4re_env()->rm, addr, ds); }
int l4re_rm_detach_unmap(l4_addr_t addr, l4_cap_idx_t task) L4_NOTHROW
{ return l4re_rm_detach_unmap_srv(l4re_env()->rm, addr, task); }
int l4re_rm_detach_ds_unmap(void *addr, l4re_ds_t *ds, l4_cap_idx_t task) L4_NOTHROW
{ return l4re_rm_detach_ds_unmap_srv(l4re_env()->rm, addr, ds, task); }
int l4re_rm_find(l4_addr_t *addr, unsigned long *size, l4re_rm_offset_t *offset, l4re_rm_flags_t *flags,
		 l4re_ds_t *m) L4_NOTHROW
{ return l4re_rm_find_srv(l4re_env()->rm, addr, size, offset, flags, m); }
void l4re_rm_show_lists(void) L4_NOTHROW {}

/* ---- memory allocation: factory create of a dataspace ------------------ */

long l4re_ma_alloc_align_srv(l4_cap_idx_t srv, unsigned long size, l4re_ds_t const mem, unsigned long flags,
			     unsigned long align) L4_NOTHROW
{
	l4_utcb_t *u = l4_utcb();
	l4_msgtag_t tag = l4_factory_create_start_u(L4RE_PROTO_DATASPACE, mem, u);
	l4_factory_create_add_int_u((l4_mword_t)size, &tag, u);
	l4_factory_create_add_uint_u(flags, &tag, u);
	l4_factory_create_add_uint_u(align, &tag, u);
	return l4_error(l4_factory_create_commit_u(srv, tag, u));
}

/* ---- namespaces ------------------------------------------------------- */

static unsigned str_len(const char *s)
{
	unsigned n = 0;
	while (s[n])
		n++;
	return n;
}

long l4re_ns_query_to_srv(l4re_namespace_t srv, char const *name, l4_cap_idx_t const cap, int timeout) L4_NOTHROW
{
	(void)timeout;
	unsigned len = str_len(name);
	if (len > WIRE_NAME_MAX)
		return -L4_ENAMETOOLONG;
	l4_msg_regs_t *m = l4_utcb_mr();
	l4_buf_regs_t *b = l4_utcb_br();
	m->mr[0] = NS_OP_QUERY;
	unsigned words = wire_put_name(m, 1, name, len);
	b->bdr = 0;
	b->br[0] = cap | L4_RCV_ITEM_SINGLE_CAP;
	return call(srv, L4RE_PROTO_NAMESPACE, words, 0);
}

long l4re_ns_register_obj_srv(l4re_namespace_t srv, char const *name, l4_cap_idx_t const obj,
			      unsigned flags) L4_NOTHROW
{
	unsigned len = str_len(name);
	if (len > WIRE_NAME_MAX)
		return -L4_ENAMETOOLONG;
	l4_msg_regs_t *m = l4_utcb_mr();
	m->mr[0] = NS_OP_REGISTER;
	m->mr[1] = flags;
	unsigned words = wire_put_name(m, 2, name, len);
	unsigned items = 0;
	if (!l4_is_invalid_cap(obj)) {
		m->mr[words] = l4_map_obj_control(0, 0);
		m->mr[words + 1] = l4_obj_fpage(obj, 0, flags & L4_CAP_FPAGE_RWSD).raw;
		items = 1;
	}
	return call(srv, L4RE_PROTO_NAMESPACE, words, items);
}

long umol4_ns_entry_name(l4re_namespace_t srv, unsigned index, char *name, unsigned size) L4_NOTHROW
{
	l4_msg_regs_t *m = l4_utcb_mr();
	m->mr[0] = NS_OP_LIST;
	m->mr[1] = index;
	l4_msgtag_t t = l4_ipc_call(srv, l4_utcb(), l4_msgtag(L4RE_PROTO_NAMESPACE, 2, 0, 0), L4_IPC_NEVER);
	long r = l4_error(t);
	if (r < 0)
		return r;
	unsigned len;
	const char *n = wire_get_name(m, 0, l4_msgtag_words(t), &len);
	if (!n || len >= size)
		return -L4_ERANGE;
	for (unsigned i = 0; i < len; i++)
		name[i] = n[i];
	name[len] = 0;
	return len;
}

/* ---- log and parent --------------------------------------------------- */

void l4re_log_printn_srv(l4_cap_idx_t logcap, char const *s, int len) L4_NOTHROW
{
	while (len > 0) {
		int n = len > L4_VCON_WRITE_SIZE ? L4_VCON_WRITE_SIZE : len;
		l4_vcon_write(logcap, s, n);
		s += n;
		len -= n;
	}
}

void l4re_log_print_srv(l4_cap_idx_t logcap, char const *s) L4_NOTHROW
{ l4re_log_printn_srv(logcap, s, (int)str_len(s)); }

long l4re_parent_signal(l4_cap_idx_t parent, unsigned long sig, unsigned long val) L4_NOTHROW
{
	l4_msg_regs_t *m = l4_utcb_mr();
	m->mr[0] = PARENT_OP_SIGNAL;
	m->mr[1] = sig;
	m->mr[2] = val;
	return call(parent, L4RE_PROTO_PARENT, 3, 0);
}

/* ---- capability slots: a bump allocator with a small stack of returned
 * slots; enough for programs that free what they allocate in bursts. --- */

#define CAP_LAST     4095
#define CAP_FREE_MAX 256
static l4_cap_idx_t cap_free_stack[CAP_FREE_MAX];
static unsigned cap_free_count;

l4_cap_idx_t l4re_util_cap_alloc(void) L4_NOTHROW
{
	if (cap_free_count)
		return cap_free_stack[--cap_free_count];
	l4re_env_t *e = l4re_env();
	if (!e || (e->first_free_cap >> L4_CAP_SHIFT) > CAP_LAST)
		return L4_INVALID_CAP;
	l4_cap_idx_t c = e->first_free_cap;
	e->first_free_cap += 1UL << L4_CAP_SHIFT;
	return c;
}

void l4re_util_cap_free(l4_cap_idx_t cap) L4_NOTHROW
{
	if (!l4_is_invalid_cap(cap) && cap_free_count < CAP_FREE_MAX)
		cap_free_stack[cap_free_count++] = cap;
}

void l4re_util_cap_free_um(l4_cap_idx_t cap) L4_NOTHROW
{
	if (l4_is_invalid_cap(cap))
		return;
	l4_task_release_cap(L4RE_THIS_TASK_CAP, cap);
	l4re_util_cap_free(cap);
}

long l4re_util_cap_last(void) L4_NOTHROW { return CAP_LAST; }

/* ---- kernel-user memory ----------------------------------------------- */

int l4re_util_kumem_alloc(l4_addr_t *mem, unsigned pages_order, l4_cap_idx_t task, l4_cap_idx_t rm) L4_NOTHROW
{
	(void)task; (void)rm;
	l4re_env_t *e = l4re_env();
	l4_addr_t size = L4_PAGESIZE << pages_order;
	l4_addr_t end = l4_fpage_memaddr(e->utcb_area) + (1UL << l4_fpage_size(e->utcb_area));
	l4_addr_t at = (e->first_free_utcb + size - 1) & ~(size - 1);
	if (at + size > end || at < e->first_free_utcb)
		return -L4_ENOMEM;
	e->first_free_utcb = at + size;
	*mem = at;
	return 0;
}

/* ---- moe's debug query (l4/umol4/moe.h) -------------------------------- */

#include <l4/umol4/moe.h>

long umol4_moe_meminfo(l4_cap_idx_t moe_factory, unsigned long *free_bytes, unsigned long *total_bytes) L4_NOTHROW
{
	l4_utcb_mr()->mr[0] = MOE_DEBUG_OP_MEMINFO;
	long r = call(moe_factory, L4RE_PROTO_DEBUG, 1, 0);
	if (r >= 0) {
		*free_bytes = l4_utcb_mr()->mr[0];
		*total_bytes = l4_utcb_mr()->mr[1];
	}
	return r;
}
