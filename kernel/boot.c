/* Boot: the kernel starts two tasks, as Fiasco does.
 *
 * sigma0 owns all physical memory: the kernel maps every byte of RAM into
 * it at UMOL4_SIGMA0_RAM_BASE + physical address (in large flexpages, so
 * this costs nothing until touched), plus its own image, heap and stack,
 * so that sigma0 never faults.
 *
 * The root task is paged by sigma0: its image is placed at the physical
 * addresses equal to its link addresses, its stack and heap likewise, and
 * nothing is mapped into it; its first instruction faults and sigma0
 * answers 1:1.  Its pager capability (L4_BASE_PAGER_CAP) is an IPC gate to
 * sigma0 with client label 1. */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <l4/sys/memdesc.h>
#include <l4/umol4/bootinfo.h>
#include <stdio.h>
#include <string.h>
#include "kernel.h"

#define BOOT_UTCB_AREA   0x7dfff8000000UL
#define BOOT_UTCB_ORDER  16
#define SIGMA0_STACK     (256UL << 10)
#define SIGMA0_HEAP      (1UL << 20)       /* stdio buffers: its tables are static */
#define SIGMA0_STACK_TOP 0x7dfff0000000UL
#define SIGMA0_HEAP_BASE 0x7d0000000000UL
#define ROOT_STACK       (1UL << 20)
#define ROOT_HEAP_MAX    (64UL << 20)
#define SUPERPAGE        (2UL << 20)

/* The client label sigma0 sees for the root task: client id 1, shifted
 * past the rights bits the kernel ORs in. */
#define SIGMA0_ROOT_LABEL (1UL << 4)

struct task *root_task, *sigma0_task;
static struct thread *sigma0_thread;

static uint64_t round_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

static struct task *new_task(const char *path, int *err)
{
	l4_fpage_t utcb = l4_fpage(BOOT_UTCB_AREA, BOOT_UTCB_ORDER, L4_FPAGE_RW);
	struct task *t = task_create("boot", utcb, err);
	if (!t)
		return NULL;
	const char *base = strrchr(path, '/');
	snprintf(t->obj.name, sizeof t->obj.name, "%s", base ? base + 1 : path);
	return t;
}

/* The kernel objects every boot task holds, and its first thread. */
static struct thread *first_thread(struct task *t, uint64_t ip, uint64_t sp, l4_cap_idx_t pager)
{
	int err;
	struct thread *th = thread_create(&err);
	if (!th)
		return NULL;
	snprintf(th->obj.name, sizeof th->obj.name, "%s", t->obj.name);
	cap_install(t, L4_BASE_TASK_CAP >> L4_CAP_SHIFT, &t->obj, L4_CAP_FPAGE_RWSD, NULL);
	cap_install(t, L4_BASE_FACTORY_CAP >> L4_CAP_SHIFT, factory_create_root(), L4_CAP_FPAGE_RWSD, NULL);
	cap_install(t, L4_BASE_THREAD_CAP >> L4_CAP_SHIFT, &th->obj, L4_CAP_FPAGE_RWSD, NULL);
	cap_install(t, L4_BASE_LOG_CAP >> L4_CAP_SHIFT, log_get(), L4_CAP_FPAGE_RWSD, NULL);
	cap_install(t, L4_BASE_ICU_CAP >> L4_CAP_SHIFT, icu_get(), L4_CAP_FPAGE_RWSD, NULL);
	cap_install(t, L4_BASE_SCHEDULER_CAP >> L4_CAP_SHIFT, scheduler_get(), L4_CAP_FPAGE_RWSD, NULL);
	cap_install(t, L4_BASE_DEBUGGER_CAP >> L4_CAP_SHIFT, debugger_get(), L4_CAP_FPAGE_RWSD, NULL);
	if (thread_bind(th, t, BOOT_UTCB_AREA))
		return NULL;
	th->pager = pager;
	th->start_ip = ip;
	th->start_sp = sp;
	th->ip_set = th->sched_set = true;
	return th;
}

/* Memory the kernel maps into sigma0 itself: from the top of RAM,
 * described as reserved so that sigma0 never hands it out. */
static int sigma0_block(size_t len, uintptr_t va, unsigned prot, uint8_t **kview)
{
	int64_t phys = physmem_alloc(len, l4_mem_type_reserved, 0);
	if (phys < 0)
		return -1;
	*kview = physmem_kview(phys);
	return task_map_pages(sigma0_task, va, phys, len, prot);
}

static int boot_sigma0(uint64_t *sp, struct elf_image *im)
{
	int err = 0;
	if (!(sigma0_task = new_task(boot.sigma0_path, &err)))
		return kernel_log("cannot create sigma0 (error %d)", err), -1;
	uint8_t *heap, *stack;
	if (elf_load(boot.sigma0_path, false, l4_mem_type_reserved, im) ||
	    task_map_pages(sigma0_task, im->lo, im->phys, im->hi - im->lo, PLAT_R | PLAT_W | PLAT_X) ||
	    sigma0_block(SIGMA0_HEAP, SIGMA0_HEAP_BASE, PLAT_R | PLAT_W, &heap) ||
	    sigma0_block(SIGMA0_STACK, SIGMA0_STACK_TOP - SIGMA0_STACK, PLAT_R | PLAT_W, &stack) ||
	    task_map_pages(sigma0_task, UMOL4_SIGMA0_RAM_BASE, 0, physmem_size(), PLAT_R | PLAT_W | PLAT_X))
		return kernel_log("cannot place sigma0 in physical memory (too little memory for -m?)"), -1;
	const uint64_t aux[][2] = { { UMOL4_AT_HEAP, SIGMA0_HEAP_BASE }, { UMOL4_AT_HEAP_SIZE, SIGMA0_HEAP } };
	char *argv[] = { "sigma0" };
	boot.sigma0_ip = im->entry;
	return elf_stack(stack + SIGMA0_STACK, SIGMA0_STACK_TOP, im, 1, argv, aux, 2, sp);
}

/* The root task: image, heap and stack all 1:1 in physical memory, typed
 * as boot-loader memory, which sigma0 pages to whoever faults on it. */
static int boot_root(uint64_t *sp, struct elf_image *im)
{
	int err = 0;
	if (!(root_task = new_task(boot.root_path, &err)))
		return kernel_log("cannot create the root task (error %d)", err), -1;
	root_task->is_root = true;
	if (elf_load(boot.root_path, true, l4_mem_type_bootloader, im))
		return -1;
	size_t heap_len = physmem_size() / 8 < ROOT_HEAP_MAX ? physmem_size() / 8 : ROOT_HEAP_MAX;
	heap_len &= ~(SUPERPAGE - 1);
	uint64_t heap = round_up(im->hi, SUPERPAGE) + SUPERPAGE;       /* gaps fault */
	uint64_t stack = heap + heap_len + SUPERPAGE;
	if (!heap_len || physmem_claim(heap, heap_len, l4_mem_type_bootloader, 0) ||
	    physmem_claim(stack, ROOT_STACK, l4_mem_type_bootloader, 0))
		return kernel_log("%s: too little physical memory for its heap and stack", boot.root_path), -1;
	const uint64_t aux[][2] = { { UMOL4_AT_HEAP, heap }, { UMOL4_AT_HEAP_SIZE, heap_len } };
	boot.root_ip = im->entry;
	return elf_stack(physmem_kview(stack + ROOT_STACK), stack + ROOT_STACK, im, boot.root_argc, boot.root_argv,
			 aux, 2, sp);
}

/* The boot modules and the block that lists them (bootinfo.h): boot-loader
 * memory from the top, which sigma0 pages 1:1 to the root task. */
static int place_modules(void)
{
	int64_t bi_phys = physmem_alloc(sizeof(struct umol4_bootinfo), l4_mem_type_bootloader, 0);
	if (bi_phys < 0)
		return kernel_log("out of physical memory for the boot information"), -1;
	struct umol4_bootinfo *bi = physmem_kview(bi_phys);
	bi->magic = UMOL4_BOOTINFO_MAGIC;
	size_t at = 0;
	for (int i = 1; i < boot.root_argc && at < sizeof bi->root_cmdline - 1; i++)
		at += snprintf(bi->root_cmdline + at, sizeof bi->root_cmdline - at, "%s%s", i > 1 ? " " : "",
			       boot.root_argv[i]);
	for (unsigned i = 0; i < boot.nmodules; i++) {
		const struct boot_module *m = &boot.modules[i];
		size_t len;
		void *data = host_read_file(m->path, &len);
		if (!data)
			return kernel_log("module %s: %s", m->path, strerror(errno)), -1;
		int64_t phys = physmem_alloc(len ? len : 1, l4_mem_type_bootloader, 0);
		if (phys < 0) {
			free(data);
			return kernel_log("module %s: out of physical memory", m->path), -1;
		}
		memcpy(physmem_kview(phys), data, len);
		free(data);
		struct umol4_boot_module *bm = &bi->modules[bi->num_modules++];
		bm->phys = phys;
		bm->size = len;
		snprintf(bm->name, sizeof bm->name, "%s", m->name);
		snprintf(bm->cmdline, sizeof bm->cmdline, "%s", m->cmdline ? m->cmdline : "");
	}
	boot.bootinfo_phys = (uint64_t)bi_phys;
	return 0;
}

/* A copy of the KIP in physical memory, for sigma0's KIP request. */
static int place_kip_copy(void)
{
	int64_t phys = physmem_alloc(L4_PAGESIZE, l4_mem_type_info, UMOL4_MEMDESC_SUB_KIP);
	return phys < 0 ? -1 : 0;
}

static void fill_kips(void)
{
	kip_init(plat_kip(sigma0_task->space));
	kip_init(plat_kip(root_task->space));
	l4_kernel_info_t *k = plat_kip(root_task->space);
	l4_kernel_info_mem_desc_t *md = l4_kernel_info_get_mem_descs(k);
	for (unsigned i = 0; i < k->mem_descs_num; i++)
		if (l4_kernel_info_get_mem_desc_type(&md[i]) == l4_mem_type_info &&
		    l4_kernel_info_get_mem_desc_subtype(&md[i]) == UMOL4_MEMDESC_SUB_KIP)
			kip_init(physmem_kview(l4_kernel_info_get_mem_desc_start(&md[i])));
}

int boot_system(void)
{
	uint64_t s0_sp, root_sp;
	struct elf_image s0_im, root_im;
	pthread_mutex_lock(&kernel_lock);
	int r = -1;
	if (boot_sigma0(&s0_sp, &s0_im) || place_kip_copy() || place_modules() || boot_root(&root_sp, &root_im))
		goto out;
	fill_kips();
	sigma0_thread = first_thread(sigma0_task, s0_im.entry, s0_sp, L4_INVALID_CAP);
	struct gate *pager = sigma0_thread ? gate_create(sigma0_thread, SIGMA0_ROOT_LABEL) : NULL;
	if (!pager)
		goto out;
	snprintf(pager->obj.name, sizeof pager->obj.name, "sigma0-root");
	struct thread *rt = first_thread(root_task, root_im.entry, root_sp, L4_BASE_PAGER_CAP);
	if (!rt)
		goto out;
	cap_install(root_task, L4_BASE_PAGER_CAP >> L4_CAP_SHIFT, &pager->obj, L4_CAP_FPAGE_RWS, NULL);
	if (plat_space_sync(sigma0_task->space) || plat_space_sync(root_task->space))
		goto out;
	thread_try_start(sigma0_thread);
	thread_try_start(rt);
	r = 0;
out:
	if (r)
		kernel_log("boot failed");
	pthread_mutex_unlock(&kernel_lock);
	return r;
}
