/* sigma0: the first task.  The kernel maps all physical memory into it
 * at UMOL4_SIGMA0_RAM_BASE + physical address; sigma0 hands it out by
 * the sigma0 protocol (first come, first served, per client) and pages
 * its clients (the root task) 1:1: a page fault at address A is answered
 * with the physical page A.
 *
 * A client is known by the label of the IPC gate it calls through
 * (client id << 4; the low bits carry the caller's rights).  The root
 * task's pager gate is client 1; l4sigma0_new_client makes more. */
#include <stdio.h>
#include <string.h>
#include <l4/sys/ipc.h>
#include <l4/sys/factory.h>
#include <l4/sys/memdesc.h>
#include <l4/sigma0/sigma0.h>
#include "memmap.h"

#define RAM(phys)   (UMOL4_SIGMA0_RAM_BASE + (phys))
#define SUPERPAGE_SHIFT 21
#define FIRST_GATE_CAP  0x100     /* capability slots for new client gates */

static struct memmap map;
static uint64_t kip_phys = ~0ULL;
static unsigned next_client = 2;   /* 1 is the root task's */
static unsigned long next_gate_cap = FIRST_GATE_CAP;

/* Read the KIP's memory descriptors: conventional memory is free, then
 * later descriptors mark what the kernel placed (reserved, boot-loader). */
static void read_kip(void)
{
	l4_kernel_info_t *kip = l4_kip();
	l4_kernel_info_mem_desc_t *md = l4_kernel_info_get_mem_descs(kip);
	unsigned n = l4_kernel_info_get_num_mem_descs(kip);
	uint64_t end = 0;
	for (unsigned i = 0; i < n; i++)
		if (l4_kernel_info_get_mem_desc_type(&md[i]) == l4_mem_type_conventional &&
		    l4_kernel_info_get_mem_desc_end(&md[i]) + 1 > end)
			end = l4_kernel_info_get_mem_desc_end(&md[i]) + 1;
	mm_init(&map, end);
	for (unsigned i = 0; i < n; i++) {
		uint64_t s = l4_kernel_info_get_mem_desc_start(&md[i]);
		uint64_t e = l4_kernel_info_get_mem_desc_end(&md[i]) + 1;
		unsigned type = l4_kernel_info_get_mem_desc_type(&md[i]);
		unsigned owner = type == l4_mem_type_conventional ? OWNER_FREE
				 : type == l4_mem_type_bootloader ? OWNER_BOOT : OWNER_NONE;
		if (type == l4_mem_type_info && l4_kernel_info_get_mem_desc_subtype(&md[i]) == UMOL4_MEMDESC_SUB_KIP)
			kip_phys = s;
		mm_set(&map, s, e, owner);
	}
}

/* Reply with one map item: the physical block [phys, phys + 2^order),
 * landing at snd_base in the receiver's window. */
static l4_msgtag_t send_fpage(uint64_t phys, unsigned order, unsigned rights, uint64_t snd_base)
{
	l4_msg_regs_t *m = l4_utcb_mr();
	m->mr[0] = l4_map_control(snd_base, 0, 0);
	m->mr[1] = l4_fpage(RAM(phys), order, rights).raw;
	return l4_msgtag(0, 0, 1, 0);
}

static l4_msgtag_t refuse(long err) { return l4_msgtag(-err, 0, 0, 0); }

/* Give [phys, phys + 2^order) to client if it is free (or boot memory, or
 * already the client's). */
static l4_msgtag_t give(unsigned client, uint64_t phys, unsigned order, unsigned also, uint64_t snd_base)
{
	uint64_t end = phys + (1ULL << order);
	if (!mm_all(&map, phys, end, client, also))
		return refuse(L4_EPERM);
	if (mm_set(&map, phys, end, client))
		return refuse(L4_ENOMEM);
	return send_fpage(phys, order, L4_FPAGE_RWX, snd_base);
}

/* A client's page fault at addr: the same physical page, 1:1.  A whole
 * superpage if none of it was handed out yet and all of it is boot-loader
 * memory (the root task's image, heap and stack fault in in few IPCs).
 * Once any of a superpage went out page by page, it stays page by page:
 * a client that lost one page must not get a superpage mapped over the
 * pages it still has (the kernel refuses that map). */
static l4_msgtag_t page_fault(unsigned client, l4_umword_t pfa)
{
	uint64_t page = pfa & L4_PAGEMASK;
	uint64_t sp = pfa & ~((1ULL << SUPERPAGE_SHIFT) - 1);
	if (mm_all(&map, sp, sp + (1ULL << SUPERPAGE_SHIFT), OWNER_BOOT, 0))
		return give(client, sp, SUPERPAGE_SHIFT, MM_ALSO_BOOT, sp);
	return give(client, page, L4_PAGESHIFT, MM_ALSO_FREE | MM_ALSO_BOOT, page);
}

static l4_msgtag_t sigma0_request(unsigned client, l4_msgtag_t tag)
{
	l4_msg_regs_t *m = l4_utcb_mr();
	if (l4_msgtag_words(tag) < 1 || !SIGMA0_IS_MAGIC_REQ(m->mr[0]))
		return refuse(L4_EINVAL);
	l4_umword_t req = m->mr[0];
	l4_fpage_t fp = { .raw = l4_msgtag_words(tag) >= 2 ? m->mr[1] : 0 };
	unsigned order = l4_fpage_size(fp);
	switch (req) {
	case SIGMA0_REQ_FPAGE_RAM: {
		uint64_t phys = l4_fpage_memaddr(fp);
		if (order < L4_PAGESHIFT || order > 40 || (phys & ((1ULL << order) - 1)))
			return refuse(L4_EINVAL);
		return give(client, phys, order, MM_ALSO_FREE | MM_ALSO_BOOT, phys);
	}
	case SIGMA0_REQ_FPAGE_ANY: {
		if (order < L4_PAGESHIFT || order > 40)
			return refuse(L4_EINVAL);
		uint64_t phys = mm_find_free(&map, order);
		if (phys == ~0ULL)
			return refuse(L4_ENOMEM);
		return give(client, phys, order, MM_ALSO_FREE, phys);
	}
	case SIGMA0_REQ_KIP:
		if (kip_phys == ~0ULL)
			return refuse(L4_ENOENT);
		return send_fpage(kip_phys, L4_PAGESHIFT, L4_FPAGE_RX, 0);
	case SIGMA0_REQ_FPAGE_IOMEM:
	case SIGMA0_REQ_FPAGE_IOMEM_CACHED:
		return refuse(L4_ENOENT);      /* no device memory yet */
	case SIGMA0_REQ_DEBUG_DUMP:
		printf("sigma0: %u ranges\n", map.n);
		for (unsigned i = 0; i < map.n; i++)
			printf("sigma0: %012llx-%012llx %s%u\n", (unsigned long long)map.r[i].start,
			       (unsigned long long)map.r[i].end - 1,
			       map.r[i].owner == OWNER_FREE ? "free " : map.r[i].owner == OWNER_BOOT ? "boot "
				       : map.r[i].owner == OWNER_NONE ? "none " : "client ",
			       map.r[i].owner < OWNER_BOOT ? map.r[i].owner : 0);
		fflush(stdout);
		return l4_msgtag(0, 0, 0, 0);
	default:
		return refuse(L4_ENOSYS);
	}
}

/* Factory protocol, MR0 = L4_PROTO_SIGMA0: a gate for a new client. */
static l4_msgtag_t new_client(l4_msgtag_t tag)
{
	l4_msg_regs_t *m = l4_utcb_mr();
	if (l4_msgtag_words(tag) < 1 || (long)m->mr[0] != L4_PROTO_SIGMA0)
		return refuse(L4_ENOSYS);
	l4_cap_idx_t cap = next_gate_cap << L4_CAP_SHIFT;
	if (l4_error(l4_factory_create_gate(L4_BASE_FACTORY_CAP, cap, L4_BASE_THREAD_CAP, next_client << 4)))
		return refuse(L4_ENOMEM);
	next_gate_cap++;
	next_client++;
	m->mr[0] = l4_map_obj_control(0, 0);
	m->mr[1] = l4_obj_fpage(cap, 0, L4_CAP_FPAGE_RWS).raw;
	return l4_msgtag(0, 0, 1, 0);
}

int main(void)
{
	read_kip();
	l4_utcb_t *u = l4_utcb();
	l4_umword_t label;
	l4_msgtag_t tag = l4_ipc_wait(u, &label, L4_IPC_NEVER);
	for (;;) {
		if (l4_ipc_error(tag, u)) {
			tag = l4_ipc_wait(u, &label, L4_IPC_NEVER);
			continue;
		}
		unsigned client = (unsigned)(label >> 4);
		l4_msgtag_t reply;
		if (client == 0 || client >= OWNER_BOOT)
			reply = refuse(L4_EPERM);         /* not through a client gate */
		else if (l4_msgtag_is_page_fault(tag))
			reply = page_fault(client, l4_utcb_mr_u(u)->mr[0]);
		else if (l4_msgtag_is_sigma0(tag))
			reply = sigma0_request(client, tag);
		else if (l4_msgtag_label(tag) == L4_PROTO_FACTORY)
			reply = new_client(tag);
		else
			reply = refuse(L4_EBADPROTO);
		tag = l4_ipc_reply_and_wait(u, reply, &label, L4_IPC_NEVER);
	}
}
