/* l4util KIP helpers: kernel features and ABI version from the feature strings. */
#ifndef L4_UTIL_KIP_H
#define L4_UTIL_KIP_H

#include <l4/sys/compiler.h>
#include <l4/sys/kip.h>

#define l4util_kip_for_each_feature(s) l4_kip_for_each_feature(s)

L4_INLINE int l4util_kip_kernel_has_feature(l4_kernel_info_t const *k, char const *str) L4_NOTHROW
{ return l4_kip_kernel_has_feature(k, str); }

/* The number in the "abiver:N" feature string, 0 if there is none. */
L4_INLINE unsigned long l4util_kip_kernel_abi_version(l4_kernel_info_t const *k) L4_NOTHROW
{
  char const *s = l4_kip_version_string(k);
  l4_kip_for_each_feature(s)
    {
      unsigned long v = 0;
      char const *d;
      if (__builtin_strncmp(s, "abiver:", 7) != 0)
        continue;
      for (d = s + 7; *d >= '0' && *d <= '9'; ++d)
        v = v * 10 + (unsigned long)(*d - '0');
      return v;
    }
  return 0;
}

#endif
