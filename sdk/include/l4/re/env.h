/* The L4Re program environment: the capabilities a program got from its
 * parent, by role and by name.  The launcher passes it through the aux
 * vector (AT_L4_ENV); the start-up code sets l4re_global_env. */
#ifndef L4_RE_ENV_H
#define L4_RE_ENV_H

#include <l4/sys/types.h>
#include <l4/sys/kip.h>
#include <l4/re/consts.h>

#define AT_L4_AUX 0xf0
#define AT_L4_ENV 0xf1
#define AT_L4_KIP 0xf2

typedef struct l4re_env_cap_entry_t
{
  l4_cap_idx_t cap;
  l4_umword_t  flags;      /* ~0UL ends the list */
  char         name[16];
} l4re_env_cap_entry_t;

typedef struct l4re_env_t
{
  l4_cap_idx_t parent;
  l4_cap_idx_t rm;
  l4_cap_idx_t mem_alloc;
  l4_cap_idx_t log;
  l4_cap_idx_t main_thread;
  l4_cap_idx_t factory;
  l4_cap_idx_t scheduler;
  l4_cap_idx_t itas;
  l4_cap_idx_t dbg_events;
  l4_cap_idx_t first_free_cap;
  l4_cap_idx_t first_free_reply_cap;
  l4_fpage_t   utcb_area;
  l4_addr_t    first_free_utcb;
  l4re_env_cap_entry_t *caps;
} l4re_env_t;

extern l4re_env_t *l4re_global_env;

L4_INLINE l4re_env_t *l4re_env(void) L4_NOTHROW { return l4re_global_env; }
L4_INLINE l4_kernel_info_t *l4re_kip(void) L4_NOTHROW { return l4_kip(); }

L4_INLINE l4re_env_cap_entry_t const *
l4re_env_get_cap_l(char const *name, unsigned len, l4re_env_t const *e) L4_NOTHROW
{
  if (!e || !e->caps || len > sizeof(e->caps->name))
    return 0;
  for (l4re_env_cap_entry_t const *c = e->caps; c->flags != ~0UL; ++c)
    {
      unsigned i = 0;
      while (i < len && c->name[i] == name[i])
        ++i;
      if (i == len && (len == sizeof(c->name) || !c->name[len]))
        return c;
    }
  return 0;
}

L4_INLINE l4_cap_idx_t l4re_env_get_cap_e(char const *name, l4re_env_t const *e) L4_NOTHROW
{
  unsigned len = 0;
  while (name[len])
    ++len;
  l4re_env_cap_entry_t const *c = l4re_env_get_cap_l(name, len, e);
  return c ? c->cap : L4_INVALID_CAP;
}

L4_INLINE l4_cap_idx_t l4re_env_get_cap(char const *name) L4_NOTHROW
{ return l4re_env_get_cap_e(name, l4re_env()); }

#endif
