/* The sigma0 protocol, as the root task (client 1) and as a second client:
 * the KIP and its memory descriptors, RAM at a given address, any page,
 * first come first served, and every refusal. */
#include <string.h>
#include <l4/sys/memdesc.h>
#include <l4/sigma0/sigma0.h>
#include <l4/umol4/debug.h>
#include "l4test.h"

#define WIN 0x500000000000UL      /* free virtual space for receive windows */

/* The size of RAM: the conventional range (from 0). */
static unsigned long ram_size(l4_kernel_info_t *kip)
{
	l4_kernel_info_mem_desc_t *md = l4_kernel_info_get_mem_descs(kip);
	for (unsigned i = 0; i < l4_kernel_info_get_num_mem_descs(kip); i++)
		if (l4_kernel_info_get_mem_desc_type(&md[i]) == l4_mem_type_conventional)
			return l4_kernel_info_get_mem_desc_end(&md[i]) + 1;
	return 0;
}

/* The start of the n-th (0-based) memory descriptor of a type. */
static unsigned long nth_of_type(l4_kernel_info_t *kip, unsigned type, unsigned n)
{
	l4_kernel_info_mem_desc_t *md = l4_kernel_info_get_mem_descs(kip);
	for (unsigned i = 0; i < l4_kernel_info_get_num_mem_descs(kip); i++)
		if (l4_kernel_info_get_mem_desc_type(&md[i]) == type && !n--)
			return l4_kernel_info_get_mem_desc_start(&md[i]);
	return ~0UL;
}

int main(void)
{
	l4_kernel_info_t *own = l4_kip();
	unsigned long ram = ram_size(own);
	CHECK(own->magic == L4_KERNEL_INFO_MAGIC && ram >= (64UL << 20), "the KIP describes %lu MiB of RAM", ram >> 20);
	CHECK(nth_of_type(own, l4_mem_type_reserved, 0) == 0, "the first MiB is reserved");
	CHECK(nth_of_type(own, l4_mem_type_bootloader, 0) != ~0UL, "our image is boot-loader memory");
	CHECK(own->root_ip == (l4_umword_t)l4_kip()->root_ip && own->root_ip && own->sigma0_ip,
	      "root_ip %lx and sigma0_ip %lx are set", (unsigned long)own->root_ip, (unsigned long)own->sigma0_ip);

	/* KIP request: a read-only copy lands in the window. */
	l4_kernel_info_t *k = l4sigma0_map_kip(L4_BASE_PAGER_CAP, (void *)WIN, 12);
	CHECK(k == (void *)WIN && k->magic == L4_KERNEL_INFO_MAGIC && k->mem_descs_num == own->mem_descs_num,
	      "l4sigma0_map_kip: the KIP at the window with the same descriptors");
	CHECK(umol4_probe(L4_BASE_TASK_CAP, WIN) == 5, "the KIP copy is mapped R+X, not writable (rights %d)",
	      umol4_probe(L4_BASE_TASK_CAP, WIN));
	l4_uint64_t t0 = l4_kip_clock_ns(own), t1 = l4_kip_clock_ns(k);
	CHECK(t0 > 0 && t1 >= t0 && t1 - t0 < 1000000000UL, "its clock code runs where it landed (%llu ns later)",
	      (unsigned long long)(t1 - t0));

	/* RAM at a given physical address, 1 MiB, in the largest pieces. */
	unsigned long phys = (ram / 2) & ~((1UL << 21) - 1);
	int r = l4sigma0_map_mem(L4_BASE_PAGER_CAP, phys, WIN + (1UL << 30), 1UL << 20);
	volatile unsigned long *p = (volatile unsigned long *)(WIN + (1UL << 30));
	CHECK(r == 0, "l4sigma0_map_mem of 1 MiB at phys %lx: %s", phys, l4sigma0_map_errstr(r));
	p[0] = 0x5167a0;
	p[(1UL << 20) / 8 - 1] = 0x5167a1;
	CHECK(p[0] == 0x5167a0 && p[(1UL << 20) / 8 - 1] == 0x5167a1, "the memory is ours to write");
	/* The same frame again, elsewhere: ours already, so granted, and it aliases. */
	r = l4sigma0_map_mem(L4_BASE_PAGER_CAP, phys, WIN + (2UL << 30), 4096);
	CHECK(r == 0 && *(volatile unsigned long *)(WIN + (2UL << 30)) == 0x5167a0,
	      "asking again for a frame we own maps it again: the same physical page");
	/* 1:1 paging: touching that physical address as a virtual one is the same page too. */
	CHECK(*(volatile unsigned long *)phys == 0x5167a0, "a page fault at the physical address is answered 1:1");

	/* Refusals. */
	r = l4sigma0_map_mem(L4_BASE_PAGER_CAP, phys + 1, WIN, 4096);
	CHECK(r == -L4SIGMA0_NOTALIGNED, "unaligned: %s", l4sigma0_map_errstr(r));
	r = l4sigma0_map_mem(L4_BASE_PAGER_CAP, 0, WIN + (3UL << 30), 4096);
	CHECK(r == -L4SIGMA0_NOFPAGE, "the reserved first MiB is refused: %s", l4sigma0_map_errstr(r));
	unsigned long s0 = nth_of_type(own, l4_mem_type_reserved, 1);     /* sigma0's image */
	r = l4sigma0_map_mem(L4_BASE_PAGER_CAP, s0, WIN + (3UL << 30), 4096);
	CHECK(s0 != ~0UL && r == -L4SIGMA0_NOFPAGE, "sigma0's own memory (%lx) is refused", s0);
	r = l4sigma0_map_mem(L4_BASE_PAGER_CAP, ram, WIN + (3UL << 30), 4096);
	CHECK(r == -L4SIGMA0_NOFPAGE, "memory beyond RAM is refused");
	r = l4sigma0_map_iomem(L4_BASE_PAGER_CAP, 0xfee00000UL, WIN + (3UL << 30), 4096, 0);
	CHECK(r == -L4SIGMA0_NOFPAGE, "no device memory: I/O memory is refused");
	CHECK(umol4_probe(L4_BASE_TASK_CAP, WIN + (3UL << 30)) == 0, "nothing was mapped for the refusals");

	/* Any page: aligned to its size, distinct each time. */
	l4_addr_t a1 = 0, a2 = 0;
	int r1 = l4sigma0_map_anypage(L4_BASE_PAGER_CAP, WIN + (4UL << 30), 21, &a1, 21);
	int r2 = l4sigma0_map_anypage(L4_BASE_PAGER_CAP, WIN + (5UL << 30), 12, &a2, 12);
	CHECK(r1 == 0 && r2 == 0 && !(a1 & ((1UL << 21) - 1)) && a1 != a2 && (a2 < a1 || a2 >= a1 + (1UL << 21)),
	      "l4sigma0_map_anypage: a 2 MiB block at %lx and a page at %lx", (unsigned long)a1, (unsigned long)a2);
	*(volatile int *)(WIN + (4UL << 30) + (1UL << 21) - 4) = 7;
	CHECK(*(volatile int *)(WIN + (4UL << 30) + (1UL << 21) - 4) == 7, "the whole block is usable");
	r = l4sigma0_map_anypage(L4_BASE_PAGER_CAP, WIN + (8UL << 30), 39, &a1, 39);
	CHECK(r == -L4SIGMA0_NOFPAGE, "more than all RAM: refused");

	/* A second client: what the root owns is not for it. */
	l4_cap_idx_t c2 = cap_alloc();
	r = l4sigma0_new_client(L4_BASE_PAGER_CAP, c2);
	CHECK(r == 0 && l4_is_valid_cap(c2) && l4_task_cap_valid(L4_BASE_TASK_CAP, c2).raw,
	      "l4sigma0_new_client: a gate for client 2");
	r = l4sigma0_map_mem(c2, phys, WIN + (6UL << 30), 4096);
	CHECK(r == -L4SIGMA0_NOFPAGE, "client 2 cannot take a frame client 1 owns (first come, first served)");
	r = l4sigma0_map_mem(c2, phys + (2UL << 20), WIN + (6UL << 30), 4096);
	CHECK(r == 0, "client 2 takes a free frame");
	r = l4sigma0_map_mem(L4_BASE_PAGER_CAP, phys + (2UL << 20), WIN + (7UL << 30), 4096);
	CHECK(r == -L4SIGMA0_NOFPAGE, "and then client 1 cannot have it");
	l4_addr_t a3 = 0;
	r = l4sigma0_map_anypage(c2, WIN + (9UL << 30), 12, &a3, 12);
	CHECK(r == 0 && a3 != a2 && (a3 < phys || a3 >= phys + (1UL << 20)), "client 2's any page is nobody else's (%lx)",
	      (unsigned long)a3);

	/* Bad requests. */
	l4_utcb_mr()->mr[0] = 0x1234;   /* not a sigma0 request */
	l4_msgtag_t t = l4_ipc_call(L4_BASE_PAGER_CAP, l4_utcb(), l4_msgtag(L4_PROTO_SIGMA0, 1, 0, 0), L4_IPC_NEVER);
	CHECK(!l4_ipc_error(t, l4_utcb()) && l4_msgtag_label(t) == -L4_EINVAL && !l4_msgtag_items(t),
	      "a request without the sigma0 magic: -EINVAL");
	t = l4_ipc_call(L4_BASE_PAGER_CAP, l4_utcb(), l4_msgtag(0x4711, 0, 0, 0), L4_IPC_NEVER);
	CHECK(l4_msgtag_label(t) == -L4_EBADPROTO, "an unknown protocol: -EBADPROTO");
	CHECK(umol4_check_memory() == 0, "mapping database and host views agree");
	l4sigma0_debug_dump(L4_BASE_PAGER_CAP);
	L4TEST_DONE();
}
