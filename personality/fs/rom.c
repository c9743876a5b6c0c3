/* /rom: the boot modules, read-only.  Each is a dataspace in the "rom"
 * namespace of the L4Re environment; the first open attaches it read-only
 * through the region manager and keeps it attached (and the capability)
 * for the task's life, so reads are plain copies. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <l4/sys/consts.h>
#include <l4/sys/err.h>
#include <l4/re/env.h>
#include <l4/re/c/dataspace.h>
#include <l4/re/c/namespace.h>
#include <l4/re/c/rm.h>
#include <l4/re/c/util/cap_alloc.h>
#include "../posix.h"

struct rom_file {
	struct rom_file *next;
	const char *data;
	size_t size;
	uint64_t ino;
	char name[];
};

static struct rom_file *roms;
static uint64_t next_ino = 1000;

static l4_cap_idx_t rom_namespace(void)
{
	return posix_launched ? l4re_env_get_cap("rom") : L4_INVALID_CAP;
}

static long rom_find(const char *name, struct rom_file **out)
{
	for (struct rom_file *r = roms; r; r = r->next)
		if (!strcmp(r->name, name)) {
			*out = r;
			return 0;
		}
	l4_cap_idx_t ns = rom_namespace();
	if (l4_is_invalid_cap(ns))
		return -ENOENT;
	if (strchr(name, '/')) {
		/* rom is flat: "module/x" is below a file */
		char first[256];
		size_t n = strcspn(name, "/");
		if (n >= sizeof first)
			return -ENAMETOOLONG;
		memcpy(first, name, n);
		first[n] = 0;
		struct rom_file *f;
		return rom_find(first, &f) ? -ENOENT : -ENOTDIR;
	}
	size_t len = strlen(name);
	struct rom_file *r = malloc(sizeof *r + len + 1);
	l4_cap_idx_t ds = l4re_util_cap_alloc();
	if (!r || l4_is_invalid_cap(ds)) {
		free(r);
		return -ENOMEM;
	}
	long q = l4re_ns_query_srv(ns, name, ds);
	if (q < 0) {
		free(r);
		l4re_util_cap_free(ds);
		return q == -L4_ENAMETOOLONG ? -ENAMETOOLONG : -ENOENT;
	}
	r->size = (size_t)l4re_ds_size(ds);
	void *at = 0;
	if (r->size && l4re_rm_attach(&at, (r->size + L4_PAGESIZE - 1) & ~(L4_PAGESIZE - 1),
				      L4RE_RM_F_R | L4RE_RM_F_SEARCH_ADDR, ds, 0, L4_PAGESHIFT) < 0) {
		free(r);
		l4re_util_cap_free_um(ds);
		return -EIO;
	}
	r->data = at;
	r->ino = next_ino++;
	memcpy(r->name, name, len + 1);
	r->next = roms;
	roms = r;
	*out = r;
	return 0;
}

static long rom_read(struct file *f, void *buf, size_t len, off_t pos)
{
	const struct rom_file *r = f->node;
	if ((size_t)pos >= r->size)
		return 0;
	if (len > r->size - (size_t)pos)
		len = r->size - (size_t)pos;
	memcpy(buf, r->data + pos, len);
	return (long)len;
}

static long rom_file_stat(struct file *f, struct stat *st)
{
	const struct rom_file *r = f->node;
	stat_fill(st, S_IFREG | 0444, (off_t)r->size, r->ino);
	return 0;
}

static off_t rom_size(struct file *f)
{
	return (off_t)((const struct rom_file *)f->node)->size;
}

static const struct file_ops rom_file_ops = {
	.read = rom_read, .stat = rom_file_stat, .size = rom_size, .seekable = true,
};

static long rom_dir_stat(struct file *f, struct stat *st)
{
	stat_fill(st, S_IFDIR | 0555, 4096, 4);
	return 0;
}

/* Entries 0 and 1 are "." and "..", then the namespace's entries. */
static long rom_readdir(struct file *f, off_t index, struct dirent_sink *sink)
{
	const char *name = index == 0 ? "." : "..";
	char buf[256];
	unsigned char type = DT_DIR;
	uint64_t ino = 4 + (uint64_t)index;
	if (index >= 2) {
		l4_cap_idx_t ns = rom_namespace();
		if (l4_is_invalid_cap(ns) || umol4_ns_entry_name(ns, (unsigned)(index - 2), buf, sizeof buf) < 0)
			return 0;
		name = buf;
		type = DT_REG;
		ino = 1000000 + (uint64_t)index;
	}
	return dirent_emit(sink, ino, index + 1, type, name) ? 1 : -EINVAL;
}

static const struct file_ops rom_dir_ops = {
	.read = vfs_dir_read, .stat = rom_dir_stat, .readdir = rom_readdir, .seekable = true,
};

static long rom_open(const char *rest, int flags, mode_t mode, bool trailing_slash, struct file **out)
{
	bool writing = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
	if (!*rest) {
		if (flags & O_CREAT)
			return -EISDIR;
		if ((flags & O_ACCMODE) != O_RDONLY)
			return -EISDIR;
		*out = file_new(&rom_dir_ops, flags, NULL);
		return *out ? 0 : -ENOMEM;
	}
	struct rom_file *r;
	long e = rom_find(rest, &r);
	if (e == -ENOENT && (flags & O_CREAT))
		return -EROFS;
	if (e)
		return e;
	if ((flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (trailing_slash || (flags & O_DIRECTORY))
		return -ENOTDIR;
	if (writing)
		return -EROFS;
	*out = file_new(&rom_file_ops, flags, r);
	return *out ? 0 : -ENOMEM;
}

static long rom_stat(const char *rest, struct stat *st)
{
	if (!*rest)
		return rom_dir_stat(NULL, st);
	struct rom_file *r;
	long e = rom_find(rest, &r);
	if (e)
		return e;
	struct file f = { .node = r };
	return rom_file_stat(&f, st);
}

static long rom_mkdir(const char *rest, mode_t mode)
{
	struct rom_file *r;
	return !*rest || !rom_find(rest, &r) ? -EEXIST : -EROFS;
}

/* Linux checks for a read-only file system before it looks the name up. */
static long rom_remove(const char *rest)
{
	return *rest ? -EROFS : -EBUSY;
}

static long rom_rename(const char *from, const char *to)
{
	return -EROFS;
}

static long rom_access(const char *rest, int mode)
{
	struct rom_file *r;
	long e = *rest ? rom_find(rest, &r) : 0;
	if (e)
		return e;
	return mode & W_OK ? -EROFS : 0;
}

const struct fs fs_rom = {
	.name = "/rom", .open = rom_open, .stat = rom_stat, .mkdir = rom_mkdir, .rmdir = rom_remove,
	.unlink = rom_remove, .rename = rom_rename, .access = rom_access,
};
