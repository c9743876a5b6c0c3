/* The kernel's boot loader: reads a static x86-64 ELF program from the
 * host into physical memory and builds an initial System V stack.  Only
 * the first tasks (sigma0 and the root task) are loaded this way; every
 * later program is loaded by user-level loaders. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernel.h"

static int fail(const char *path, const char *why)
{
	kernel_log("%s: %s", path, why);
	return -1;
}

void *host_read_file(const char *path, size_t *len)
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
	int saved = errno;
	close(fd);
	if (!buf || done != (size_t)st.st_size) {
		free(buf);
		errno = saved ? saved : EIO;
		return NULL;
	}
	*len = done;
	return buf;
}

/* Check the headers and find the page-aligned extent of all segments. */
static int check_image(const char *path, const uint8_t *img, size_t len, struct elf_image *im)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	if (len < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_machine != EM_X86_64 || eh->e_type != ET_EXEC || eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    eh->e_phoff > len || eh->e_phnum > (len - eh->e_phoff) / sizeof(Elf64_Phdr))
		return fail(path, "not a static x86-64 ELF executable (build L4 programs with umol4-cc)");
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(img + eh->e_phoff);
	im->lo = ~0UL;
	im->hi = 0;
	im->phdr = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_PHDR)
			im->phdr = ph[i].p_vaddr;
		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		uint64_t start = ph[i].p_vaddr & ~0xfffUL;
		uint64_t end = (ph[i].p_vaddr + ph[i].p_memsz + 0xfff) & ~0xfffUL;
		if (ph[i].p_filesz > ph[i].p_memsz || ph[i].p_offset > len || ph[i].p_filesz > len - ph[i].p_offset ||
		    end > UMOL4_USER_END || end <= start)
			return fail(path, "bad program header");
		if (ph[i].p_offset == 0 && !im->phdr)
			im->phdr = ph[i].p_vaddr + eh->e_phoff;
		im->lo = start < im->lo ? start : im->lo;
		im->hi = end > im->hi ? end : im->hi;
	}
	if (!im->hi)
		return fail(path, "no loadable segment");
	im->entry = eh->e_entry;
	im->phnum = eh->e_phnum;
	return 0;
}

/* Load the program at physical memory placed by the caller: one_to_one
 * claims the physical addresses equal to the link addresses (the root
 * task, which sigma0 pages 1:1), otherwise a block from the top of memory
 * is taken.  The segments land in one block [lo, hi) at im->phys. */
int elf_load(const char *path, bool one_to_one, unsigned type, struct elf_image *im)
{
	size_t len;
	uint8_t *img = host_read_file(path, &len);
	if (!img)
		return fail(path, strerror(errno));
	if (check_image(path, img, len, im)) {
		free(img);
		return -1;
	}
	int64_t phys = one_to_one ? physmem_claim(im->lo, im->hi - im->lo, type, 0) ? -ENOMEM : (int64_t)im->lo
				  : physmem_alloc(im->hi - im->lo, type, 0);
	if (phys < 0) {
		free(img);
		return fail(path, one_to_one ? "its link addresses are not free physical memory (too little memory?)"
					     : "out of physical memory");
	}
	im->phys = (uint64_t)phys;
	uint8_t *k = physmem_kview(im->phys);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(img + eh->e_phoff);
	for (unsigned i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_memsz)
			memcpy(k + (ph[i].p_vaddr - im->lo), img + ph[i].p_offset, ph[i].p_filesz);
	free(img);
	return 0;
}

/* The initial stack of a program: strings and AT_RANDOM bytes at the top,
 * then auxv (the image's entries plus extra), envp (empty), argv, argc.
 * ktop is the kernel's view of the byte above the stack, utop the task's. */
int elf_stack(uint8_t *ktop, uint64_t utop, const struct elf_image *im, int argc, char **argv,
	      const uint64_t (*extra)[2], unsigned nextra, uint64_t *sp)
{
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
			return fail(argv[0], "arguments too long");
		used += l;
		memcpy(ktop - used, argv[i], l);
		uargv[i] = utop - used;
	}
	used = (used + 15) & ~15UL;
	uint64_t auxv[32][2] = {
		{ AT_PHDR, im->phdr }, { AT_PHENT, sizeof(Elf64_Phdr) }, { AT_PHNUM, im->phnum },
		{ AT_PAGESZ, 4096 }, { AT_ENTRY, im->entry }, { AT_RANDOM, urandom },
		{ AT_UID, 0 }, { AT_EUID, 0 }, { AT_GID, 0 }, { AT_EGID, 0 }, { AT_SECURE, 0 },
		{ UMOL4_AT_L4_KIP, UMOL4_KIP_ADDR },
	};
	unsigned naux = 12;
	for (unsigned i = 0; i < nextra && naux < 31; i++, naux++)
		memcpy(auxv[naux], extra[i], sizeof auxv[naux]);
	auxv[naux][0] = AT_NULL;
	auxv[naux++][1] = 0;
	size_t words = 1 + argc + 1 + 1 + 2 * naux;
	used += words * 8;
	used = (used + 15) & ~15UL;
	uint64_t *w = (uint64_t *)(ktop - used);
	*sp = utop - used;
	*w++ = argc;
	for (int i = 0; i < argc; i++)
		*w++ = uargv[i];
	*w++ = 0;                                          /* end of argv */
	*w++ = 0;                                          /* no environment */
	memcpy(w, auxv, naux * sizeof auxv[0]);
	return 0;
}
