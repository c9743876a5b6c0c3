/* Kernel-debugger queries about objects: names, global ids, trace-log switches. */
#ifndef L4_SYS_DEBUGGER_H
#define L4_SYS_DEBUGGER_H

#include <l4/sys/compiler.h>
#include <l4/sys/utcb.h>
#include <l4/sys/ipc.h>
#include <l4/sys/kernel_object.h>

/* Object-group opcodes; l4_invoke_debugger() adds L4_KDEBUG_GROUP_KOBJ. */
enum
{
  L4_DEBUGGER_NAME_SET_OP         = 0,
  L4_DEBUGGER_GLOBAL_ID_OP        = 1,
  L4_DEBUGGER_KOBJ_TO_ID_OP       = 2,
  L4_DEBUGGER_QUERY_LOG_TYPEID_OP = 3,
  L4_DEBUGGER_SWITCH_LOG_OP       = 4,
  L4_DEBUGGER_NAME_GET_OP         = 5,
  L4_DEBUGGER_QUERY_LOG_NAME_OP   = 6,
};

enum
{
  L4_DEBUGGER_SWITCH_LOG_ON  = 1,
  L4_DEBUGGER_SWITCH_LOG_OFF = 0,
};

/* Copy at most max - 1 characters and a NUL; returns the bytes written
 * including the NUL (0 if max is 0). */
L4_INLINE unsigned l4_debugger_strlcpy_(char *dst, char const *src, unsigned max) L4_NOTHROW
{
  unsigned i = 0;
  if (!max)
    return 0;
  for (; i + 1 < max && src[i]; ++i)
    dst[i] = src[i];
  dst[i] = '\0';
  return i + 1;
}

/* MR1.. = NUL-terminated name. */
L4_INLINE l4_msgtag_t
l4_debugger_set_object_name_u(l4_cap_idx_t cap, char const *name, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *m = l4_utcb_mr_u(utcb);
  unsigned n;
  m->mr[0] = L4_DEBUGGER_NAME_SET_OP;
  n = l4_debugger_strlcpy_((char *)&m->mr[1], name,
                           (L4_UTCB_GENERIC_DATA_SIZE - 3) * sizeof(l4_umword_t));
  return l4_invoke_debugger(cap, l4_msgtag(0, 1 + l4_bytes_to_mwords(n), 0, 0), utcb);
}

L4_INLINE l4_msgtag_t l4_debugger_set_object_name(l4_cap_idx_t cap, char const *name) L4_NOTHROW
{ return l4_debugger_set_object_name_u(cap, name, l4_utcb()); }

/* Reply MR0.. = the name of the object with global id id. */
L4_INLINE l4_msgtag_t
l4_debugger_get_object_name_u(l4_cap_idx_t cap, unsigned id, char *name, unsigned size,
                              l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *m = l4_utcb_mr_u(utcb);
  l4_msgtag_t t;
  m->mr[0] = L4_DEBUGGER_NAME_GET_OP;
  m->mr[1] = id;
  t = l4_invoke_debugger(cap, l4_msgtag(0, 2, 0, 0), utcb);
  l4_debugger_strlcpy_(name, (char const *)&m->mr[0], size);
  return t;
}

L4_INLINE l4_msgtag_t
l4_debugger_get_object_name(l4_cap_idx_t cap, unsigned id, char *name, unsigned size) L4_NOTHROW
{ return l4_debugger_get_object_name_u(cap, id, name, size, l4_utcb()); }

/* Reply MR0 = the object's global id; ~0UL on any error. */
L4_INLINE unsigned long l4_debugger_global_id_u(l4_cap_idx_t cap, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_utcb_mr_u(utcb)->mr[0] = L4_DEBUGGER_GLOBAL_ID_OP;
  if (l4_error_u(l4_invoke_debugger(cap, l4_msgtag(0, 1, 0, 0), utcb), utcb))
    return ~0UL;
  return l4_utcb_mr_u(utcb)->mr[0];
}

L4_INLINE unsigned long l4_debugger_global_id(l4_cap_idx_t cap) L4_NOTHROW
{ return l4_debugger_global_id_u(cap, l4_utcb()); }

/* MR1 = kernel address of an object; reply MR0 = its global id. */
L4_INLINE unsigned long
l4_debugger_kobj_to_id_u(l4_cap_idx_t cap, l4_addr_t kobjp, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *m = l4_utcb_mr_u(utcb);
  m->mr[0] = L4_DEBUGGER_KOBJ_TO_ID_OP;
  m->mr[1] = kobjp;
  if (l4_error_u(l4_invoke_debugger(cap, l4_msgtag(0, 2, 0, 0), utcb), utcb))
    return ~0UL;
  return m->mr[0];
}

L4_INLINE unsigned long l4_debugger_kobj_to_id(l4_cap_idx_t cap, l4_addr_t kobjp) L4_NOTHROW
{ return l4_debugger_kobj_to_id_u(cap, kobjp, l4_utcb()); }

/* MR1 = start index, MR2.. = log type name (at most 32 bytes);
 * reply MR0 = id of the log type, or an error label. */
L4_INLINE long
l4_debugger_query_log_typeid_u(l4_cap_idx_t cap, char const *name, unsigned idx,
                               l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *m = l4_utcb_mr_u(utcb);
  unsigned n;
  long e;
  m->mr[0] = L4_DEBUGGER_QUERY_LOG_TYPEID_OP;
  m->mr[1] = idx;
  n = l4_debugger_strlcpy_((char *)&m->mr[2], name, 32);
  e = l4_error_u(l4_invoke_debugger(cap, l4_msgtag(0, 2 + l4_bytes_to_mwords(n), 0, 0), utcb),
                 utcb);
  return e < 0 ? e : (long)m->mr[0];
}

L4_INLINE long
l4_debugger_query_log_typeid(l4_cap_idx_t cap, char const *name, unsigned idx) L4_NOTHROW
{ return l4_debugger_query_log_typeid_u(cap, name, idx, l4_utcb()); }

/* MR1 = log type id; reply MR0.. = name NUL short name NUL. */
L4_INLINE long
l4_debugger_query_log_name_u(l4_cap_idx_t cap, unsigned idx, char *name, unsigned namelen,
                             char *shortname, unsigned shortnamelen, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *m = l4_utcb_mr_u(utcb);
  char const *reply;
  long e;
  m->mr[0] = L4_DEBUGGER_QUERY_LOG_NAME_OP;
  m->mr[1] = idx;
  e = l4_error_u(l4_invoke_debugger(cap, l4_msgtag(0, 2, 0, 0), utcb), utcb);
  if (e < 0)
    return e;
  reply = (char const *)&m->mr[0];
  l4_debugger_strlcpy_(name, reply, namelen);
  l4_debugger_strlcpy_(shortname, reply + __builtin_strlen(reply) + 1, shortnamelen);
  return 0;
}

L4_INLINE long
l4_debugger_query_log_name(l4_cap_idx_t cap, unsigned idx, char *name, unsigned namelen,
                           char *shortname, unsigned shortnamelen) L4_NOTHROW
{
  return l4_debugger_query_log_name_u(cap, idx, name, namelen, shortname, shortnamelen,
                                      l4_utcb());
}

/* MR1 = on (1) / off (0), MR2.. = log type name (at most 32 bytes). */
L4_INLINE l4_msgtag_t
l4_debugger_switch_log_u(l4_cap_idx_t cap, char const *name, int on_off,
                         l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *m = l4_utcb_mr_u(utcb);
  unsigned n;
  m->mr[0] = L4_DEBUGGER_SWITCH_LOG_OP;
  m->mr[1] = (l4_umword_t)on_off;
  n = l4_debugger_strlcpy_((char *)&m->mr[2], name, 32);
  return l4_invoke_debugger(cap, l4_msgtag(0, 2 + l4_bytes_to_mwords(n), 0, 0), utcb);
}

L4_INLINE l4_msgtag_t
l4_debugger_switch_log(l4_cap_idx_t cap, char const *name, int on_off) L4_NOTHROW
{ return l4_debugger_switch_log_u(cap, name, on_off, l4_utcb()); }

#endif
