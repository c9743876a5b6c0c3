/* Kernel-debugger output and entry, under the 2025 names (l4_kd_*) and the older ones. */
#ifndef L4_SYS_KDEBUG_H
#define L4_SYS_KDEBUG_H

#include <l4/sys/compiler.h>
#include <l4/sys/consts.h>
#include <l4/sys/ipc.h>
#include <l4/sys/kernel_object.h>

/* MR0 opcodes of L4_PROTO_DEBUGGER sent to L4_BASE_DEBUGGER_CAP. */
enum l4_kdebug_ops_t
{
  L4_KDEBUG_ENTER      = L4_KDEBUG_GROUP_JDB + 0,
  L4_KDEBUG_OUTCHAR    = L4_KDEBUG_GROUP_JDB + 1,
  L4_KDEBUG_OUTNSTRING = L4_KDEBUG_GROUP_JDB + 2,
  L4_KDEBUG_OUTHEX32   = L4_KDEBUG_GROUP_JDB + 3,
  L4_KDEBUG_OUTHEX20   = L4_KDEBUG_GROUP_JDB + 4,
  L4_KDEBUG_OUTHEX16   = L4_KDEBUG_GROUP_JDB + 5,
  L4_KDEBUG_OUTHEX12   = L4_KDEBUG_GROUP_JDB + 6,
  L4_KDEBUG_OUTHEX8    = L4_KDEBUG_GROUP_JDB + 7,
  L4_KDEBUG_OUTDEC     = L4_KDEBUG_GROUP_JDB + 8,
};

/* Debug output may be dropped anywhere, even between building a message
 * and sending it, so these helpers put back every MR they overwrite. */

/* MR0 = op, MR1 = value. */
L4_INLINE l4_msgtag_t l4_kd_op_1_(unsigned op, l4_umword_t val) L4_NOTHROW
{
  l4_utcb_t *u = l4_utcb();
  l4_msg_regs_t *mr = l4_utcb_mr_u(u);
  l4_umword_t save0 = mr->mr[0], save1 = mr->mr[1];
  l4_msgtag_t res;
  mr->mr[0] = op;
  mr->mr[1] = val;
  res = l4_ipc_call(L4_BASE_DEBUGGER_CAP, u, l4_msgtag(L4_PROTO_DEBUGGER, 2, 0, 0),
                    L4_IPC_NEVER);
  mr->mr[0] = save0;
  mr->mr[1] = save1;
  return res;
}

/* MR0 = op, MR1 = length, MR2.. = the text (cut to what fits). */
L4_INLINE l4_msgtag_t l4_kd_text_(unsigned op, char const *text, unsigned len) L4_NOTHROW
{
  l4_utcb_t *u = l4_utcb();
  l4_msg_regs_t *mr = l4_utcb_mr_u(u);
  l4_msg_regs_t saved;
  l4_msgtag_t res;
  unsigned max = (L4_UTCB_GENERIC_DATA_SIZE - 2) * sizeof(l4_umword_t);

  if (len > max)
    len = max;
  __builtin_memcpy(&saved, mr, sizeof(saved));
  mr->mr[0] = op;
  mr->mr[1] = len;
  __builtin_memcpy(&mr->mr[2], text, len);
  res = l4_ipc_call(L4_BASE_DEBUGGER_CAP, u,
                    l4_msgtag(L4_PROTO_DEBUGGER, 2 + l4_bytes_to_mwords(len), 0, 0),
                    L4_IPC_NEVER);
  __builtin_memcpy(mr, &saved, sizeof(saved));
  return res;
}

/* Stop in the kernel debugger, showing text. With NULL: an empty
 * message, which touches no MR at all. */
L4_INLINE void l4_kd_enter(char const *text) L4_NOTHROW
{
  if (!text)
    {
      l4_ipc_call(L4_BASE_DEBUGGER_CAP, 0, l4_msgtag(L4_PROTO_DEBUGGER, 0, 0, 0),
                  L4_IPC_NEVER);
      return;
    }
  l4_kd_text_(L4_KDEBUG_ENTER, text, (unsigned)__builtin_strlen(text));
}

L4_INLINE void l4_kd_outnstring(char const *text, unsigned len) L4_NOTHROW
{ l4_kd_text_(L4_KDEBUG_OUTNSTRING, text, len); }

L4_INLINE void l4_kd_outstring(char const *text) L4_NOTHROW
{ l4_kd_outnstring(text, (unsigned)__builtin_strlen(text)); }

L4_INLINE void l4_kd_outchar(char c) L4_NOTHROW
{ l4_kd_op_1_(L4_KDEBUG_OUTCHAR, (l4_umword_t)(unsigned char)c); }

L4_INLINE void l4_kd_outhex32(l4_uint32_t number) L4_NOTHROW
{ l4_kd_op_1_(L4_KDEBUG_OUTHEX32, number); }

/* There is no 64-bit opcode: two 32-bit halves, high half first. */
L4_INLINE void l4_kd_outhex64(l4_uint64_t number) L4_NOTHROW
{
  l4_kd_outhex32((l4_uint32_t)(number >> 32));
  l4_kd_outhex32((l4_uint32_t)number);
}

L4_INLINE void l4_kd_outumword(l4_umword_t number) L4_NOTHROW
{ l4_kd_outhex64(number); }

L4_INLINE void l4_kd_outhex20(l4_uint32_t number) L4_NOTHROW
{ l4_kd_op_1_(L4_KDEBUG_OUTHEX20, number); }

L4_INLINE void l4_kd_outhex16(l4_uint16_t number) L4_NOTHROW
{ l4_kd_op_1_(L4_KDEBUG_OUTHEX16, number); }

L4_INLINE void l4_kd_outhex12(l4_uint16_t number) L4_NOTHROW
{ l4_kd_op_1_(L4_KDEBUG_OUTHEX12, number); }

L4_INLINE void l4_kd_outhex8(l4_uint8_t number) L4_NOTHROW
{ l4_kd_op_1_(L4_KDEBUG_OUTHEX8, number); }

/* Signed decimal: the value travels as a two's-complement word. */
L4_INLINE void l4_kd_outdec(l4_mword_t number) L4_NOTHROW
{ l4_kd_op_1_(L4_KDEBUG_OUTDEC, (l4_umword_t)number); }

/* The names used before the 2025 rename. They are functions, not
 * macros, so that a program may still use e.g. "outchar" as a name of
 * its own in another scope. */
L4_INLINE void enter_kdebug(char const *text) L4_NOTHROW { l4_kd_enter(text); }
L4_INLINE void outnstring(char const *text, unsigned len) L4_NOTHROW { l4_kd_outnstring(text, len); }
L4_INLINE void outstring(char const *text) L4_NOTHROW { l4_kd_outstring(text); }
L4_INLINE void outchar(char c) L4_NOTHROW { l4_kd_outchar(c); }
L4_INLINE void outumword(l4_umword_t number) L4_NOTHROW { l4_kd_outumword(number); }
L4_INLINE void outhex64(l4_uint64_t number) L4_NOTHROW { l4_kd_outhex64(number); }
L4_INLINE void outhex32(l4_uint32_t number) L4_NOTHROW { l4_kd_outhex32(number); }
L4_INLINE void outhex20(l4_uint32_t number) L4_NOTHROW { l4_kd_outhex20(number); }
L4_INLINE void outhex16(l4_uint16_t number) L4_NOTHROW { l4_kd_outhex16(number); }
L4_INLINE void outhex12(l4_uint16_t number) L4_NOTHROW { l4_kd_outhex12(number); }
L4_INLINE void outhex8(l4_uint8_t number) L4_NOTHROW { l4_kd_outhex8(number); }
L4_INLINE void outdec(l4_mword_t number) L4_NOTHROW { l4_kd_outdec(number); }

#endif
