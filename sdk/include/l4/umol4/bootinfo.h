/* What the umol4 kernel, as boot loader, tells the root task (moe): the
 * boot modules it placed in physical memory and the root task's command
 * line.  The KIP's user_ptr holds the physical address of this block; the
 * block and the modules are boot-loader memory (KIP memory type
 * l4_mem_type_bootloader), which sigma0 pages 1:1 to the root task, so the
 * root task reads them at their physical addresses. */
#ifndef L4_UMOL4_BOOTINFO_H
#define L4_UMOL4_BOOTINFO_H

#include <l4/sys/l4int.h>

#define UMOL4_BOOTINFO_MAGIC 0x4f4f42344c4f4d55ULL   /* "UMOL4BOO" */
#define UMOL4_BOOTINFO_MAX_MODULES 64

struct umol4_boot_module
{
  l4_uint64_t phys;          /* page aligned */
  l4_uint64_t size;          /* bytes */
  char        name[64];      /* as it appears under rom/ (file name, or fname=) */
  char        cmdline[192];  /* the rest of its modules.list line, if any */
};

struct umol4_bootinfo
{
  l4_uint64_t magic;         /* UMOL4_BOOTINFO_MAGIC */
  l4_uint32_t num_modules;
  l4_uint32_t _pad;
  char        root_cmdline[512]; /* the root task's arguments, space separated */
  struct umol4_boot_module modules[UMOL4_BOOTINFO_MAX_MODULES];
};

#endif
