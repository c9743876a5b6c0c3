/* Virtual console (the kernel log and L4Re log servers): write, read, attributes. */
#ifndef L4_SYS_VCON_H
#define L4_SYS_VCON_H

#include <l4/sys/types.h>
#include <l4/sys/utcb.h>
#include <l4/sys/ipc.h>

/* MR0 opcodes of L4_PROTO_LOG. */
enum L4_vcon_ops
{
  L4_VCON_WRITE_OP    = 0,
  L4_VCON_READ_OP     = 1,
  L4_VCON_SET_ATTR_OP = 2,
  L4_VCON_GET_ATTR_OP = 3,
};

/* A write carries the opcode and length before the bytes; a read reply
 * carries the status word before them. */
enum L4_vcon_size_consts
{
  L4_VCON_WRITE_SIZE = (L4_UTCB_GENERIC_DATA_SIZE - 2) * sizeof(l4_umword_t),
  L4_VCON_READ_SIZE  = (L4_UTCB_GENERIC_DATA_SIZE - 1) * sizeof(l4_umword_t),
};

/* Status word (reply MR0) of a read. */
#define L4_VCON_READ_SIZE_MASK  0x3fffffffU
#define L4_VCON_READ_STAT_BREAK 0x40000000U  /* a break came before the data */
#define L4_VCON_READ_STAT_DONE  0x80000000U  /* nothing more is queued */

typedef struct l4_vcon_attr_t
{
  l4_umword_t i_flags;
  l4_umword_t o_flags;
  l4_umword_t l_flags;
} l4_vcon_attr_t;

enum L4_vcon_i_flags
{
  L4_VCON_INLCR = 000100,
  L4_VCON_IGNCR = 000200,
  L4_VCON_ICRNL = 000400,
};

enum L4_vcon_o_flags
{
  L4_VCON_ONLCR  = 000004,
  L4_VCON_OCRNL  = 000010,
  L4_VCON_ONLRET = 000040,
};

enum L4_vcon_l_flags
{
  L4_VCON_ICANON = 000002,
  L4_VCON_ECHO   = 000010,
};

/* Send-only, so an output call never waits for the log server's answer;
 * size must not exceed L4_VCON_WRITE_SIZE. Check with l4_ipc_error(). */
L4_INLINE l4_msgtag_t
l4_vcon_send_u(l4_cap_idx_t vcon, char const *buf, unsigned size, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *mr = l4_utcb_mr_u(utcb);
  mr->mr[0] = L4_VCON_WRITE_OP;
  mr->mr[1] = size;
  __builtin_memcpy(&mr->mr[2], buf, size);
  return l4_ipc_send(vcon, utcb,
                     l4_msgtag(L4_PROTO_LOG, 2 + l4_bytes_to_mwords(size), 0,
                               L4_MSGTAG_SCHEDULE),
                     L4_IPC_NEVER);
}

L4_INLINE l4_msgtag_t l4_vcon_send(l4_cap_idx_t vcon, char const *buf, unsigned size) L4_NOTHROW
{ return l4_vcon_send_u(vcon, buf, size, l4_utcb()); }

/* Writes at most L4_VCON_WRITE_SIZE bytes; returns how many, or < 0. */
L4_INLINE long
l4_vcon_write_u(l4_cap_idx_t vcon, char const *buf, unsigned size, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msgtag_t t;
  if (size > L4_VCON_WRITE_SIZE)
    size = L4_VCON_WRITE_SIZE;
  t = l4_vcon_send_u(vcon, buf, size, utcb);
  if (l4_msgtag_has_error(t))
    return l4_error_u(t, utcb);
  return (long)size;
}

L4_INLINE long l4_vcon_write(l4_cap_idx_t vcon, char const *buf, unsigned size) L4_NOTHROW
{ return l4_vcon_write_u(vcon, buf, size, l4_utcb()); }

/* Request: MR0 = size << 16 | READ. Reply: MR0 = status word, MR1.. the
 * bytes. Returns the byte count (size + 1 if more is waiting) or'ed with
 * L4_VCON_READ_STAT_BREAK, or < 0; buf may be NULL to drop the input. */
L4_INLINE int
l4_vcon_read_with_flags_u(l4_cap_idx_t vcon, char *buf, unsigned size,
                          l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *mr = l4_utcb_mr_u(utcb);
  l4_umword_t status;
  unsigned got;
  long err;
  int ret;

  mr->mr[0] = ((l4_umword_t)size << 16) | L4_VCON_READ_OP;
  err = l4_error_u(l4_ipc_call(vcon, utcb, l4_msgtag(L4_PROTO_LOG, 1, 0, 0), L4_IPC_NEVER),
                   utcb);
  if (err < 0)
    return (int)err;

  status = mr->mr[0];
  got = (unsigned)(status & L4_VCON_READ_SIZE_MASK);
  if (!(status & L4_VCON_READ_STAT_DONE))
    ret = (int)size + 1;
  else
    ret = (int)(got < size ? got : size);
  if (buf)
    __builtin_memcpy(buf, &mr->mr[1], got < size ? got : size);
  return ret | (int)(status & L4_VCON_READ_STAT_BREAK);
}

L4_INLINE int l4_vcon_read_with_flags(l4_cap_idx_t vcon, char *buf, unsigned size) L4_NOTHROW
{ return l4_vcon_read_with_flags_u(vcon, buf, size, l4_utcb()); }

L4_INLINE int l4_vcon_read_u(l4_cap_idx_t vcon, char *buf, unsigned size, l4_utcb_t *utcb) L4_NOTHROW
{
  int r = l4_vcon_read_with_flags_u(vcon, buf, size, utcb);
  return r < 0 ? r : (int)(r & L4_VCON_READ_SIZE_MASK);
}

L4_INLINE int l4_vcon_read(l4_cap_idx_t vcon, char *buf, unsigned size) L4_NOTHROW
{ return l4_vcon_read_u(vcon, buf, size, l4_utcb()); }

/* MR1-MR3 = i_flags, o_flags, l_flags. */
L4_INLINE l4_msgtag_t
l4_vcon_set_attr_u(l4_cap_idx_t vcon, l4_vcon_attr_t const *attr, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *mr = l4_utcb_mr_u(utcb);
  mr->mr[0] = L4_VCON_SET_ATTR_OP;
  __builtin_memcpy(&mr->mr[1], attr, sizeof(*attr));
  return l4_ipc_call(vcon, utcb, l4_msgtag(L4_PROTO_LOG, 4, 0, 0), L4_IPC_NEVER);
}

L4_INLINE l4_msgtag_t l4_vcon_set_attr(l4_cap_idx_t vcon, l4_vcon_attr_t const *attr) L4_NOTHROW
{ return l4_vcon_set_attr_u(vcon, attr, l4_utcb()); }

/* Reply MR1-MR3 = i_flags, o_flags, l_flags. */
L4_INLINE l4_msgtag_t
l4_vcon_get_attr_u(l4_cap_idx_t vcon, l4_vcon_attr_t *attr, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *mr = l4_utcb_mr_u(utcb);
  l4_msgtag_t res;
  mr->mr[0] = L4_VCON_GET_ATTR_OP;
  res = l4_ipc_call(vcon, utcb, l4_msgtag(L4_PROTO_LOG, 1, 0, 0), L4_IPC_NEVER);
  if (l4_error_u(res, utcb) >= 0)
    __builtin_memcpy(attr, &mr->mr[1], sizeof(*attr));
  return res;
}

L4_INLINE l4_msgtag_t l4_vcon_get_attr(l4_cap_idx_t vcon, l4_vcon_attr_t *attr) L4_NOTHROW
{ return l4_vcon_get_attr_u(vcon, attr, l4_utcb()); }

/* No translation, no echo, no line editing. */
L4_INLINE void l4_vcon_set_attr_raw(l4_vcon_attr_t *attr) L4_NOTHROW
{
  attr->i_flags = 0;
  attr->o_flags = 0;
  attr->l_flags = 0;
}

#endif
