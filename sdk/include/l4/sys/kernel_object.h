/* Operations every kernel object understands, and the debugger's object calls. */
#ifndef L4_SYS_KERNEL_OBJECT_H
#define L4_SYS_KERNEL_OBJECT_H

#include <l4/sys/types.h>
#include <l4/sys/utcb.h>
#include <l4/sys/ipc.h>

/* Opcodes of the generic L4_PROTO_KOBJECT protocol. */
enum L4_kobject_op
{
  L4_KOBJECT_OP_DEC_REFCNT   = 0,
  L4_KOBJECT_OP_REGISTER_IRQ = 1,
};

/* Debugger opcode groups: MR0 of a debugger call is group + operation. */
enum l4_kdebug_group_t
{
  L4_KDEBUG_GROUP_JDB   = 0x000,
  L4_KDEBUG_GROUP_KOBJ  = 0x100,
  L4_KDEBUG_GROUP_TRACE = 0x200,
  L4_KDEBUG_GROUP_COV   = 0x400,
  L4_KDEBUG_GROUP_DUMP  = 0x500,
};

L4_INLINE l4_msgtag_t
l4_kobject_dec_refcnt_u(l4_cap_idx_t obj, l4_mword_t diff, l4_utcb_t *u) L4_NOTHROW
{
  l4_msg_regs_t *m = l4_utcb_mr_u(u);
  m->mr[0] = L4_KOBJECT_OP_DEC_REFCNT;
  m->mr[1] = (l4_umword_t)diff;
  return l4_ipc_call(obj, u, l4_msgtag(L4_PROTO_KOBJECT, 2, 0, 0), L4_IPC_NEVER);
}

L4_INLINE l4_msgtag_t l4_kobject_dec_refcnt(l4_cap_idx_t obj, l4_mword_t diff) L4_NOTHROW
{ return l4_kobject_dec_refcnt_u(obj, diff, l4_utcb()); }

/* Ask the kernel debugger something about the object obj. The caller has
 * put a debugger-object opcode in MR0 and the arguments in MR1 up to
 * MR[words-1] (the label of tag is ignored); this moves the opcode into
 * the object group and appends obj as a map item after the words, which
 * is how the kernel learns which object is meant. */
L4_INLINE l4_msgtag_t
l4_invoke_debugger(l4_cap_idx_t obj, l4_msgtag_t tag, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *mr = l4_utcb_mr_u(utcb);
  unsigned words = l4_msgtag_words(tag);

  if (l4_is_invalid_cap(obj))
    return l4_msgtag(-L4_EINVAL, 0, 0, 0);
  if (words + 2 > L4_UTCB_GENERIC_DATA_SIZE)
    return l4_msgtag(-L4_EMSGTOOLONG, 0, 0, 0);

  mr->mr[0] += L4_KDEBUG_GROUP_KOBJ;
  mr->mr[words]     = L4_ITEM_MAP;
  mr->mr[words + 1] = l4_obj_fpage(obj, 0, L4_CAP_FPAGE_RWS).raw;
  return l4_ipc_call(L4_BASE_DEBUGGER_CAP, utcb,
                     l4_msgtag(L4_PROTO_DEBUGGER, words, 1, l4_msgtag_flags(tag)),
                     L4_IPC_NEVER);
}

#endif
