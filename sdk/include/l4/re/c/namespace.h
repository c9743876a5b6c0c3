/* Namespaces (L4Re::Namespace): names for capabilities, served by moe. */
#ifndef L4_RE_C_NAMESPACE_H
#define L4_RE_C_NAMESPACE_H

#include <l4/sys/types.h>

typedef l4_cap_idx_t l4re_namespace_t;

/* Rights a registered capability is handed out with. */
enum l4re_ns_register_flags
{
  L4RE_NS_REGISTER_RO  = L4_CAP_FPAGE_RO,
  L4RE_NS_REGISTER_DIR = 0x100,
  L4RE_NS_REGISTER_RW  = L4_CAP_FPAGE_RO | L4_CAP_FPAGE_W,
  L4RE_NS_REGISTER_RWS = L4_CAP_FPAGE_RWS,
  L4RE_NS_REGISTER_S   = L4_CAP_FPAGE_S,
};

L4_BEGIN_DECLS

/* Look name up ("a/b" walks into sub-namespaces) and receive the
 * capability into cap.  -L4_ENOENT: no such name.  timeout in ms is
 * accepted for compatibility; names never appear later in moe. */
long l4re_ns_query_to_srv(l4re_namespace_t srv, char const *name, l4_cap_idx_t const cap, int timeout) L4_NOTHROW;
L4_INLINE long l4re_ns_query_srv(l4re_namespace_t srv, char const *name, l4_cap_idx_t const cap) L4_NOTHROW
{ return l4re_ns_query_to_srv(srv, name, cap, 40000); }
/* Register obj under name.  -L4_EEXIST: the name is taken; -L4_EPERM: a
 * read-only namespace. */
long l4re_ns_register_obj_srv(l4re_namespace_t srv, char const *name, l4_cap_idx_t const obj,
                              unsigned flags) L4_NOTHROW;
/* umol4 extension (moe's namespaces): the name of entry index into name
 * (size bytes with the NUL); its length, -L4_ENOENT past the last entry,
 * -L4_ERANGE if it does not fit.  Lets the POSIX personality list rom/. */
long umol4_ns_entry_name(l4re_namespace_t srv, unsigned index, char *name, unsigned size) L4_NOTHROW;

L4_END_DECLS

#endif
