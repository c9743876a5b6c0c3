/* Loads the root task's ELF image into physical memory and maps it, the
 * way a boot loader places the first program.  Later tasks are loaded by
 * user-level loaders (L4Re runtime issue). */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernel.h"

#define ROOT_STACK_TOP  0x7dfff0000000UL
#define ROOT_STACK_SIZE (1UL << 20)
#define ROOT_HEAP_BASE  0x7d0000000000UL
#define ROOT_HEAP_SIZE  (64UL << 20)
#define AT_UMOL4_HEAP      0xf8
#define AT_UMOL4_HEAP_SIZE 0xf9

static int fail(const char *path, const char *why)
{
	kernel_log("%s: %s", path, why);
	return -1;
}

static void *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	char *buf = malloc(st.st_size ? st.st_size : 1);
	size_t done = 0;
	while (buf && done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, st.st_size - done);
		if (n <= 0)
			break;
		done += n;
	}
	close(fd);
	if (!buf || done != (size_t)st.st_size) {
		free(buf);
		return NULL;
	}
	*len = done;
	return buf;
}

static int map_fresh(struct task *t, uintptr_t va, size_t len, unsigned prot, uint8_t **kview)
{
	int64_t phys = physmem_alloc(len);
	if (phys < 0)
		return -1;
	*kview = physmem_kview(phys);
	return task_map_pages(t, va, phys, len, prot);
}

int elf_load_root(struct task *t, const char *path, int argc, char **argv, uint64_t *entry, uint64_t *sp)
{
	size_t len;
	uint8_t *img = read_file(path, &len);
	if (!img)
		return fail(path, strerror(errno));
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	if (len < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_machine != EM_X86_64 || eh->e_type != ET_EXEC || eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    eh->e_phoff > len || eh->e_phnum > (len - eh->e_phoff) / sizeof(Elf64_Phdr)) {
		free(img);
		return fail(path, "not a static x86-64 ELF executable (build L4 programs with umol4-cc)");
	}
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + eh->e_phoff);
	uint64_t phdr_addr = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		uint64_t start = ph[i].p_vaddr & ~0xfffUL;
		uint64_t end = (ph[i].p_vaddr + ph[i].p_memsz + 0xfff) & ~0xfffUL;
		if (ph[i].p_filesz > ph[i].p_memsz || ph[i].p_offset > len || ph[i].p_filesz > len - ph[i].p_offset ||
		    end > UMOL4_USER_END || end <= start) {
			free(img);
			return fail(path, "bad program header");
		}
		unsigned prot = (ph[i].p_flags & PF_R ? PLAT_R : 0) | (ph[i].p_flags & PF_W ? PLAT_W : 0) |
				(ph[i].p_flags & PF_X ? PLAT_X : 0);
		uint8_t *k;
		if (map_fresh(t, start, end - start, prot, &k)) {
			free(img);
			return fail(path, "out of physical memory");
		}
		memcpy(k + (ph[i].p_vaddr - start), img + ph[i].p_offset, ph[i].p_filesz);
		if (ph[i].p_offset == 0)
			phdr_addr = ph[i].p_vaddr + eh->e_phoff;
	}
	for (unsigned i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_PHDR)
			phdr_addr = ph[i].p_vaddr;
	*entry = eh->e_entry;
	unsigned phnum = eh->e_phnum;
	free(img);

	/* Heap for the task's malloc until a pager serves memory; sparse. */
	uint8_t *heap;
	if (map_fresh(t, ROOT_HEAP_BASE, ROOT_HEAP_SIZE, PLAT_R | PLAT_W, &heap))
		return fail(path, "out of physical memory");

	/* Stack: strings at the top, then auxv, envp, argv, argc (System V). */
	uint8_t *stack;
	if (map_fresh(t, ROOT_STACK_TOP - ROOT_STACK_SIZE, ROOT_STACK_SIZE, PLAT_R | PLAT_W, &stack))
		return fail(path, "out of physical memory");
	uint8_t *ktop = stack + ROOT_STACK_SIZE;
	uint64_t utop = ROOT_STACK_TOP;
	uint64_t uargv[64];
	if (argc > 63)
		argc = 63;
	size_t used = 16;                                  /* AT_RANDOM bytes */
	for (int i = 0; i < 16; i++)
		ktop[-16 + i] = (uint8_t)(now_ns() >> (i % 8));
	uint64_t urandom = utop - 16;
	for (int i = argc - 1; i >= 0; i--) {
		size_t l = strlen(argv[i]) + 1;
		if (used + l > 65536)
			return fail(path, "arguments too long");
		used += l;
		memcpy(ktop - used, argv[i], l);
		uargv[i] = utop - used;
	}
	used = (used + 15) & ~15UL;
	uint64_t auxv[][2] = {
		{ AT_PHDR, phdr_addr }, { AT_PHENT, sizeof(Elf64_Phdr) }, { AT_PHNUM, phnum },
		{ AT_PAGESZ, 4096 }, { AT_ENTRY, *entry }, { AT_RANDOM, urandom },
		{ AT_UID, 0 }, { AT_EUID, 0 }, { AT_GID, 0 }, { AT_EGID, 0 }, { AT_SECURE, 0 },
		{ UMOL4_AT_L4_KIP, UMOL4_KIP_ADDR }, { AT_UMOL4_HEAP, ROOT_HEAP_BASE },
		{ AT_UMOL4_HEAP_SIZE, ROOT_HEAP_SIZE }, { AT_NULL, 0 },
	};
	size_t words = 1 + argc + 1 + 1 + sizeof auxv / sizeof(uint64_t);
	used += words * 8;
	used = (used + 15) & ~15UL;
	uint64_t *w = (uint64_t *)(ktop - used);
	*sp = utop - used;
	*w++ = argc;
	for (int i = 0; i < argc; i++)
		*w++ = uargv[i];
	*w++ = 0;                                          /* end of argv */
	*w++ = 0;                                          /* no environment */
	memcpy(w, auxv, sizeof auxv);
	return plat_space_sync(t->space) ? fail(path, "cannot map the image") : 0;
}
