/* libsigma0: the client side of the sigma0 protocol. */
#include <l4/sys/ipc.h>
#include <l4/sys/factory.h>
#include <l4/sigma0/sigma0.h>

/* One request: MR0 = req, MR1 = fpage, receive window win.  Returns the
 * reply tag; *err is set on IPC failure. */
static l4_msgtag_t request(l4_cap_idx_t s0, l4_umword_t req, l4_fpage_t fp, l4_fpage_t win, int *err)
{
  l4_utcb_t *u = l4_utcb();
  l4_msg_regs_t *m = l4_utcb_mr_u(u);
  l4_buf_regs_t *b = l4_utcb_br_u(u);
  m->mr[0] = req;
  m->mr[1] = fp.raw;
  b->bdr = 0;
  b->br[0] = L4_ITEM_MAP;
  b->br[1] = win.raw;
  l4_msgtag_t tag = l4_ipc_call(s0, u, l4_msgtag(L4_PROTO_SIGMA0, 2, 0, 0), L4_IPC_NEVER);
  *err = l4_ipc_error(tag, u) ? -L4SIGMA0_IPCERROR : 0;
  return tag;
}

l4_kernel_info_t *l4sigma0_map_kip(l4_cap_idx_t s0, void *addr, unsigned log2_size)
{
  int err;
  l4_msgtag_t tag = request(s0, SIGMA0_REQ_KIP, l4_fpage_invalid(),
                            l4_fpage((l4_addr_t)addr, log2_size, L4_FPAGE_RWX), &err);
  if (err || l4_msgtag_items(tag) == 0)
    return NULL;
  /* The KIP lands at its send base inside the window. */
  l4_addr_t base = l4_utcb_mr()->mr[0] & L4_PAGEMASK;
  l4_addr_t size = log2_size >= 64 ? ~0UL : (1UL << log2_size) - 1;
  return (l4_kernel_info_t *)(((l4_addr_t)addr & ~size) + (base & size));
}

/* Map [phys, phys+size) at virt with requests of one kind. */
static int map_range(l4_cap_idx_t s0, l4_umword_t req, l4_addr_t phys, l4_addr_t virt, l4_addr_t size)
{
  if ((phys | virt | size) & ~L4_PAGEMASK)
    return -L4SIGMA0_NOTALIGNED;
  while (size)
    {
      /* The largest order both addresses are aligned to that still fits. */
      unsigned order = L4_PAGESHIFT;
      while (order < 30 && !((phys | virt) & ((1UL << (order + 1)) - 1)) && (1UL << (order + 1)) <= size)
        order++;
      int err;
      l4_msgtag_t tag = request(s0, req, l4_fpage(phys, order, L4_FPAGE_RWX),
                                l4_fpage(virt, order, L4_FPAGE_RWX), &err);
      if (err)
        return err;
      if (l4_msgtag_items(tag) == 0)
        return -L4SIGMA0_NOFPAGE;
      phys += 1UL << order;
      virt += 1UL << order;
      size -= 1UL << order;
    }
  return 0;
}

int l4sigma0_map_mem(l4_cap_idx_t s0, l4_addr_t phys, l4_addr_t virt, l4_addr_t size)
{ return map_range(s0, SIGMA0_REQ_FPAGE_RAM, phys, virt, size); }

int l4sigma0_map_iomem(l4_cap_idx_t s0, l4_addr_t phys, l4_addr_t virt, l4_addr_t size, int cached)
{
  return map_range(s0, cached ? SIGMA0_REQ_FPAGE_IOMEM_CACHED : SIGMA0_REQ_FPAGE_IOMEM, phys, virt, size);
}

int l4sigma0_map_anypage(l4_cap_idx_t s0, l4_addr_t map_area, unsigned log2_map_size, l4_addr_t *base,
                         unsigned sz)
{
  int err;
  l4_msgtag_t tag = request(s0, SIGMA0_REQ_FPAGE_ANY, l4_fpage(0, sz, 0),
                            l4_fpage(map_area, log2_map_size, L4_FPAGE_RWX), &err);
  if (err)
    return err;
  if (l4_msgtag_items(tag) == 0)
    return -L4SIGMA0_NOFPAGE;
  *base = l4_utcb_mr()->mr[0] & L4_PAGEMASK;
  if (l4_fpage_size((l4_fpage_t){ .raw = l4_utcb_mr()->mr[1] }) < sz)
    return -L4SIGMA0_SMALLERFPAGE;
  return 0;
}

void l4sigma0_debug_dump(l4_cap_idx_t s0)
{
  l4_utcb_mr()->mr[0] = SIGMA0_REQ_DEBUG_DUMP;
  l4_ipc_call(s0, l4_utcb(), l4_msgtag(L4_PROTO_SIGMA0, 1, 0, 0), L4_IPC_NEVER);
}

int l4sigma0_new_client(l4_cap_idx_t s0, l4_cap_idx_t gate)
{
  l4_utcb_t *u = l4_utcb();
  l4_utcb_mr_u(u)->mr[0] = L4_PROTO_SIGMA0;
  l4_utcb_br_u(u)->bdr = 0;
  l4_utcb_br_u(u)->br[0] = gate | L4_RCV_ITEM_SINGLE_CAP;
  l4_msgtag_t tag = l4_ipc_call(s0, u, l4_msgtag(L4_PROTO_FACTORY, 1, 0, 0), L4_IPC_NEVER);
  if (l4_ipc_error(tag, u))
    return -L4SIGMA0_IPCERROR;
  return l4_msgtag_items(tag) ? 0 : -L4SIGMA0_NOFPAGE;
}
