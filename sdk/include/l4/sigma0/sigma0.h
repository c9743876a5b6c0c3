/* The sigma0 protocol and its client library (libsigma0): ask the task
 * that owns all physical memory for RAM, the KIP or a new client gate.
 * sigma0 hands out RAM first come, first served; a client holds what it
 * got until the system ends. */
#ifndef L4_SIGMA0_SIGMA0_H
#define L4_SIGMA0_SIGMA0_H

#include <l4/sys/compiler.h>
#include <l4/sys/types.h>
#include <l4/sys/kip.h>

/* A request is MR0 = SIGMA0_REQ(id), MR1 = the flexpage asked for, sent
 * with label L4_PROTO_SIGMA0 and a receive window in the buffer registers. */
#define SIGMA0_REQ_MAGIC   (~0xFFUL)
#define SIGMA0_REQ_MASK    (~0xFFUL)
#define SIGMA0_REQ_ID_MASK 0xF0

#define SIGMA0_REQ_ID_FPAGE_RAM          0x60
#define SIGMA0_REQ_ID_FPAGE_IOMEM        0x70
#define SIGMA0_REQ_ID_FPAGE_IOMEM_CACHED 0x80
#define SIGMA0_REQ_ID_FPAGE_ANY          0x90
#define SIGMA0_REQ_ID_KIP                0xA0
#define SIGMA0_REQ_ID_DEBUG_DUMP         0xC0
#define SIGMA0_REQ_ID_NEW_CLIENT         0xD0

#define SIGMA0_IS_MAGIC_REQ(d1) (((d1) & SIGMA0_REQ_MASK) == SIGMA0_REQ_MAGIC)
#define SIGMA0_REQ(x)           (SIGMA0_REQ_MAGIC + SIGMA0_REQ_ID_##x)

#define SIGMA0_REQ_FPAGE_RAM          (SIGMA0_REQ(FPAGE_RAM))
#define SIGMA0_REQ_FPAGE_IOMEM        (SIGMA0_REQ(FPAGE_IOMEM))
#define SIGMA0_REQ_FPAGE_IOMEM_CACHED (SIGMA0_REQ(FPAGE_IOMEM_CACHED))
#define SIGMA0_REQ_FPAGE_ANY          (SIGMA0_REQ(FPAGE_ANY))
#define SIGMA0_REQ_KIP                (SIGMA0_REQ(KIP))
#define SIGMA0_REQ_DEBUG_DUMP         (SIGMA0_REQ(DEBUG_DUMP))
#define SIGMA0_REQ_NEW_CLIENT         (SIGMA0_REQ(NEW_CLIENT))

/* The library returns 0 or one of these, negated. */
enum l4sigma0_return_flags_t
{
  L4SIGMA0_OK,
  L4SIGMA0_NOTALIGNED,   /* phys, virt or size not page aligned */
  L4SIGMA0_IPCERROR,     /* the IPC to sigma0 failed */
  L4SIGMA0_NOFPAGE,      /* sigma0 sent no flexpage: refused */
  L4SIGMA0_4,
  L4SIGMA0_5,
  L4SIGMA0_SMALLERFPAGE, /* a smaller flexpage than asked for came back */
};

L4_BEGIN_DECLS

/* Map the KIP into the receive window [addr, addr + 2^log2_size).
 * Returns where it landed, or NULL. */
l4_kernel_info_t *l4sigma0_map_kip(l4_cap_idx_t sigma0, void *addr, unsigned log2_size);

/* Map the RAM [phys, phys + size) at virt, in the largest flexpages the
 * alignment of phys and virt allows. */
int l4sigma0_map_mem(l4_cap_idx_t sigma0, l4_addr_t phys, l4_addr_t virt, l4_addr_t size);

/* Map device memory (umol4 has none outside the I/O issue: refused). */
int l4sigma0_map_iomem(l4_cap_idx_t sigma0, l4_addr_t phys, l4_addr_t virt, l4_addr_t size, int cached);

/* Any free RAM block of 2^sz bytes, into the window [map_area,
 * map_area + 2^log2_map_size); *base receives its physical address. */
int l4sigma0_map_anypage(l4_cap_idx_t sigma0, l4_addr_t map_area, unsigned log2_map_size, l4_addr_t *base,
                         unsigned sz);

/* sigma0 prints its ownership list to the log. */
void l4sigma0_debug_dump(l4_cap_idx_t sigma0);

/* A new IPC gate to sigma0 (a new client identity) at capability gate. */
int l4sigma0_new_client(l4_cap_idx_t sigma0, l4_cap_idx_t gate);

L4_INLINE char const *l4sigma0_map_errstr(int err)
{
  switch (err)
    {
    case 0: return "No error";
    case -L4SIGMA0_NOTALIGNED: return "Phys, virt or size not aligned";
    case -L4SIGMA0_IPCERROR: return "IPC error";
    case -L4SIGMA0_NOFPAGE: return "No fpage received";
    case -L4SIGMA0_SMALLERFPAGE: return "Superpage requested but smaller flexpage received";
    default: return "Unknown error";
    }
}

L4_END_DECLS

#endif
