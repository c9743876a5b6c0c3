/* The kernel info page (KIP): layout, version and feature strings, the clock. */
#ifndef L4_SYS_KIP_H
#define L4_SYS_KIP_H

#include <l4/sys/compiler.h>
#include <l4/sys/l4int.h>
#include <l4/sys/__umol4_abi.h>

#define L4_KERNEL_INFO_MAGIC       (0x4BE6344CL)   /* "L4µK" */
#define L4_KIP_VERSION_FIASCO      0x87004444UL
#define L4_KIP_VERSION_FIASCO_MASK 0xff00ffffUL

/* Offsets of code in the KIP that reads the clock: call it like a C
 * function without arguments; it returns the time in rax. */
enum
{
  L4_KIP_OFFS_READ_US = 0x900,
  L4_KIP_OFFS_READ_NS = 0x980,
  UMOL4_KIP_OFFS_REALTIME = 0x818,   /* a 64-bit word, not code */
};

struct l4_kip_platform_info
{
  char        name[16];
  l4_uint32_t is_mp;
};

/* amd64 layout; the offsets are part of the ABI. */
typedef struct l4_kernel_info_t
{
  /* 0x00 */
  l4_uint32_t            magic;                  /* L4_KERNEL_INFO_MAGIC */
  l4_uint32_t            version;
  l4_uint8_t             offset_version_strings; /* in units of 16 bytes */
  l4_uint8_t             _fill0[3];
  l4_uint8_t             kip_sys_calls;
  l4_uint8_t             node;
  l4_uint8_t             _fill1[2];
  /* 0x10 */
  l4_uint64_t            sigma0_ip;
  l4_uint64_t            root_ip;
  /* 0x20 */
  volatile l4_cpu_time_t _clock_val;             /* use l4_kip_clock() */
  l4_uint64_t            frequency_cpu;          /* kHz */
  /* 0x30 */
  l4_uint64_t            acpi_rsdp_addr;
  l4_uint64_t            dt_addr;
  /* 0x40 */
  l4_uint64_t            user_ptr;
  l4_uint64_t            _res0[1];
  /* 0x50 */
  l4_uint32_t            scheduler_granularity;
  l4_uint32_t            mem_descs;              /* byte offset from the KIP */
  l4_uint32_t            mem_descs_num;
  l4_uint32_t            _res1[1];
  /* 0x60 */
  l4_uint64_t            _res2[2];
  /* 0x70 */
  struct l4_kip_platform_info platform_info;
} l4_kernel_info_t;

#if defined(__cplusplus) && __cplusplus >= 201103L
static_assert(__builtin_offsetof(l4_kernel_info_t, platform_info) == 0x70, "KIP layout");
#elif !defined(__cplusplus) && __STDC_VERSION__ >= 201112L
_Static_assert(__builtin_offsetof(l4_kernel_info_t, platform_info) == 0x70, "KIP layout");
#endif

L4_BEGIN_DECLS
/* Set to the KIP's address; defined in libl4sys for code that reads the
 * variable directly. */
extern l4_kernel_info_t const *l4_global_kip;
L4_END_DECLS

/* umol4 maps the KIP at the same fixed address in every task. */
L4_INLINE l4_kernel_info_t *l4_kip(void) L4_NOTHROW
{ return (l4_kernel_info_t *)UMOL4_KIP_ADDR; }

L4_INLINE l4_umword_t l4_kip_version(l4_kernel_info_t const *kip) L4_NOTHROW
{ return kip->version & L4_KIP_VERSION_FIASCO_MASK; }

L4_INLINE int l4_kernel_info_version_offset(l4_kernel_info_t const *kip) L4_NOTHROW
{ return kip->offset_version_strings << 4; }

/* The version string, followed by NUL-terminated feature strings and an
 * empty string at the end. */
L4_INLINE char const *l4_kip_version_string(l4_kernel_info_t const *kip) L4_NOTHROW
{ return (char const *)kip + l4_kernel_info_version_offset(kip); }

/* Microseconds since boot, from the KIP's clock code. */
L4_INLINE l4_cpu_time_t l4_kip_clock(l4_kernel_info_t const *kip) L4_NOTHROW
{
  typedef l4_uint64_t (*clock_fn)(void);
  clock_fn read_us = (clock_fn)((l4_addr_t)kip + L4_KIP_OFFS_READ_US);
  return read_us();
}

/* Nanoseconds since boot. */
L4_INLINE l4_uint64_t l4_kip_clock_ns(l4_kernel_info_t const *kip) L4_NOTHROW
{
  typedef l4_uint64_t (*clock_fn)(void);
  clock_fn read_ns = (clock_fn)((l4_addr_t)kip + L4_KIP_OFFS_READ_NS);
  return read_ns();
}

/* umol4: nanoseconds to add to l4_kip_clock_ns() for the wall clock
 * (CLOCK_REALTIME), the host's offset when the kernel started. */
L4_INLINE l4_uint64_t umol4_kip_realtime_offset_ns(l4_kernel_info_t const *kip) L4_NOTHROW
{ return *(l4_uint64_t const *)((l4_addr_t)kip + UMOL4_KIP_OFFS_REALTIME); }

L4_INLINE l4_umword_t l4_kip_clock_lw(l4_kernel_info_t const *kip) L4_NOTHROW
{ return (l4_umword_t)l4_kip_clock(kip); }

/* Step s (a char const * from l4_kip_version_string()) over the feature
 * strings that follow the version string. */
#define l4_kip_for_each_feature(s) \
  for (s += __builtin_strlen(s) + 1; *s; s += __builtin_strlen(s) + 1)

L4_INLINE int l4_kip_kernel_has_feature(l4_kernel_info_t const *kip, char const *str) L4_NOTHROW
{
  char const *s = l4_kip_version_string(kip);
  l4_kip_for_each_feature(s)
    if (__builtin_strcmp(s, str) == 0)
      return 1;
  return 0;
}

#endif
