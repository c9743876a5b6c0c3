/* Task objects (address space + object space): map, unmap, capability queries, ku-memory. */
#ifndef L4_SYS_TASK_H
#define L4_SYS_TASK_H

#include <l4/sys/types.h>
#include <l4/sys/utcb.h>
#include <l4/sys/ipc.h>

/* MR0 opcodes of L4_PROTO_TASK. */
enum L4_task_ops
{
  L4_TASK_MAP_OP           = 0,
  L4_TASK_UNMAP_OP         = 1,
  L4_TASK_CAP_INFO_OP      = 2,
  L4_TASK_ADD_KU_MEM_OP    = 3,
  L4_TASK_LDT_SET_X86_OP   = 0x11,
  L4_TASK_MAP_VGICC_ARM_OP = 0x12,
};

/* Map snd_fpage of src_task into dst_task (whose whole space is the
 * receive window) at snd_base. The source task travels as a map item so
 * that the kernel checks the caller's right to it. */
L4_INLINE l4_msgtag_t
l4_task_map_u(l4_cap_idx_t dst_task, l4_cap_idx_t src_task, l4_fpage_t snd_fpage,
              l4_umword_t snd_base, l4_utcb_t *u) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(u);
  v->mr[0] = L4_TASK_MAP_OP;
  v->mr[1] = snd_base;
  v->mr[2] = snd_fpage.raw;
  v->mr[3] = l4_map_obj_control(0, 0);
  v->mr[4] = l4_obj_fpage(src_task, 0, L4_CAP_FPAGE_RWS).raw;
  return l4_ipc_call(dst_task, u, l4_msgtag(L4_PROTO_TASK, 3, 1, 0), L4_IPC_NEVER);
}

L4_INLINE l4_msgtag_t
l4_task_map(l4_cap_idx_t dst_task, l4_cap_idx_t src_task, l4_fpage_t snd_fpage,
            l4_umword_t snd_base) L4_NOTHROW
{ return l4_task_map_u(dst_task, src_task, snd_fpage, snd_base, l4_utcb()); }

/* Revoke the rights given in fpage; map_mask (L4_FP_*) says whether
 * the invoked task itself loses them too or only tasks it mapped to. */
L4_INLINE l4_msgtag_t
l4_task_unmap_u(l4_cap_idx_t task, l4_fpage_t fpage, l4_umword_t map_mask,
                l4_utcb_t *u) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(u);
  v->mr[0] = L4_TASK_UNMAP_OP;
  v->mr[1] = map_mask;
  v->mr[2] = fpage.raw;
  return l4_ipc_call(task, u, l4_msgtag(L4_PROTO_TASK, 3, 0, 0), L4_IPC_NEVER);
}

L4_INLINE l4_msgtag_t
l4_task_unmap(l4_cap_idx_t task, l4_fpage_t fpage, l4_umword_t map_mask) L4_NOTHROW
{ return l4_task_unmap_u(task, fpage, map_mask, l4_utcb()); }

/* Several fpages at once: MR2.. hold num_fpages flexpages
 * (at most L4_UTCB_GENERIC_DATA_SIZE - 2). */
L4_INLINE l4_msgtag_t
l4_task_unmap_batch_u(l4_cap_idx_t task, l4_fpage_t const *fpages,
                      unsigned num_fpages, l4_umword_t map_mask, l4_utcb_t *u) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(u);
  v->mr[0] = L4_TASK_UNMAP_OP;
  v->mr[1] = map_mask;
  __builtin_memcpy(&v->mr[2], fpages, num_fpages * sizeof(l4_fpage_t));
  return l4_ipc_call(task, u, l4_msgtag(L4_PROTO_TASK, 2 + num_fpages, 0, 0),
                     L4_IPC_NEVER);
}

L4_INLINE l4_msgtag_t
l4_task_unmap_batch(l4_cap_idx_t task, l4_fpage_t const *fpages,
                    unsigned num_fpages, l4_umword_t map_mask) L4_NOTHROW
{ return l4_task_unmap_batch_u(task, fpages, num_fpages, map_mask, l4_utcb()); }

/* Delete the object behind obj (needs the D right, else only the
 * capability goes away). */
L4_INLINE l4_msgtag_t
l4_task_delete_obj_u(l4_cap_idx_t task, l4_cap_idx_t obj, l4_utcb_t *u) L4_NOTHROW
{
  return l4_task_unmap_u(task, l4_obj_fpage(obj, 0, L4_CAP_FPAGE_RWSD),
                         L4_FP_DELETE_OBJ, u);
}

L4_INLINE l4_msgtag_t l4_task_delete_obj(l4_cap_idx_t task, l4_cap_idx_t obj) L4_NOTHROW
{ return l4_task_delete_obj_u(task, obj, l4_utcb()); }

/* Drop the capability cap from task. */
L4_INLINE l4_msgtag_t
l4_task_release_cap_u(l4_cap_idx_t task, l4_cap_idx_t cap, l4_utcb_t *u) L4_NOTHROW
{
  return l4_task_unmap_u(task, l4_obj_fpage(cap, 0, L4_CAP_FPAGE_RWSD),
                         L4_FP_ALL_SPACES, u);
}

L4_INLINE l4_msgtag_t l4_task_release_cap(l4_cap_idx_t task, l4_cap_idx_t cap) L4_NOTHROW
{ return l4_task_release_cap_u(task, cap, l4_utcb()); }

/* Reply label > 0 if cap refers to an object, 0 if the slot is empty.
 * Bit 0 is cleared so that it cannot be read as a flag. */
L4_INLINE l4_msgtag_t
l4_task_cap_valid_u(l4_cap_idx_t task, l4_cap_idx_t cap, l4_utcb_t *u) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(u);
  v->mr[0] = L4_TASK_CAP_INFO_OP;
  v->mr[1] = cap & ~1UL;
  return l4_ipc_call(task, u, l4_msgtag(L4_PROTO_TASK, 2, 0, 0), L4_IPC_NEVER);
}

L4_INLINE l4_msgtag_t l4_task_cap_valid(l4_cap_idx_t task, l4_cap_idx_t cap) L4_NOTHROW
{ return l4_task_cap_valid_u(task, cap, l4_utcb()); }

/* Same cap-info opcode with a third word: reply label 1 if both
 * selectors name the same object, 0 if not. */
L4_INLINE l4_msgtag_t
l4_task_cap_equal_u(l4_cap_idx_t task, l4_cap_idx_t cap_a, l4_cap_idx_t cap_b,
                    l4_utcb_t *u) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(u);
  v->mr[0] = L4_TASK_CAP_INFO_OP;
  v->mr[1] = cap_a;
  v->mr[2] = cap_b;
  return l4_ipc_call(task, u, l4_msgtag(L4_PROTO_TASK, 3, 0, 0), L4_IPC_NEVER);
}

L4_INLINE l4_msgtag_t
l4_task_cap_equal(l4_cap_idx_t task, l4_cap_idx_t cap_a, l4_cap_idx_t cap_b) L4_NOTHROW
{ return l4_task_cap_equal_u(task, cap_a, cap_b, l4_utcb()); }

/* Add kernel-user memory (for UTCBs and vCPU state) at the virtual
 * range ku_mem of task. */
L4_INLINE l4_msgtag_t
l4_task_add_ku_mem_u(l4_cap_idx_t task, l4_fpage_t ku_mem, l4_utcb_t *u) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(u);
  v->mr[0] = L4_TASK_ADD_KU_MEM_OP;
  v->mr[1] = ku_mem.raw;
  return l4_ipc_call(task, u, l4_msgtag(L4_PROTO_TASK, 2, 0, 0), L4_IPC_NEVER);
}

L4_INLINE l4_msgtag_t l4_task_add_ku_mem(l4_cap_idx_t task, l4_fpage_t ku_mem) L4_NOTHROW
{ return l4_task_add_ku_mem_u(task, ku_mem, l4_utcb()); }

#endif
