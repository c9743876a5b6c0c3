/* Paths: the working directory, lexical resolution of "." and "..", and
 * the mount table: /rom (boot modules), /dev, /tmp (the task's tmpfs)
 * under a read-only root that holds just these three. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "posix.h"

static char cwd[256] = "/";

static const struct { const char *name; const struct fs *fs; } mounts[] = {
	{ "dev", &fs_dev }, { "rom", &fs_rom }, { "tmp", &fs_tmp },
};
enum { MOUNTS = sizeof mounts / sizeof mounts[0] };

const char *vfs_cwd(void)
{
	return cwd;
}

long vfs_set_cwd(const char *abs)
{
	size_t n = strlen(abs);
	if (n >= sizeof cwd)
		return -ENAMETOOLONG;
	memcpy(cwd, abs, n + 1);
	return 0;
}

long vfs_check_path(const char *path)
{
	if (!path)
		return -EFAULT;
	if (!*path)
		return -ENOENT;
	if (strnlen(path, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

/* Append the components of path to the normalized absolute path in buf. */
static long walk(char *buf, size_t size, const char *path)
{
	size_t len = strlen(buf);
	while (*path) {
		while (*path == '/')
			path++;
		size_t n = strcspn(path, "/");
		if (n == 0)
			break;
		if (n == 1 && path[0] == '.') {
			/* stays */
		} else if (n == 2 && path[0] == '.' && path[1] == '.') {
			while (len > 1 && buf[len - 1] != '/')
				len--;
			if (len > 1)
				len--;
			buf[len] = 0;
		} else {
			if (n > NAME_MAX)
				return -ENAMETOOLONG;
			if (len + 1 + n + 1 > size)
				return -ENAMETOOLONG;
			if (len > 1)
				buf[len++] = '/';
			memcpy(buf + len, path, n);
			len += n;
			buf[len] = 0;
		}
		path += n;
	}
	return 0;
}

long vfs_resolve(long dirfd, const char *path, struct vfs_path *out)
{
	long r = vfs_check_path(path);
	if (r)
		return r;
	char abs[512] = "/";
	if (path[0] != '/') {
		const char *base = cwd;
		if (dirfd != AT_FDCWD) {
			struct file *d = fd_get(dirfd);
			if (!d)
				return -EBADF;
			if (!d->path)
				return -ENOTDIR;
			base = d->path;
		}
		if ((r = walk(abs, sizeof abs, base)))
			return r;
	}
	if ((r = walk(abs, sizeof abs, path)))
		return r;
	size_t plen = strlen(path);
	out->trailing_slash = plen > 1 && path[plen - 1] == '/';
	out->fs = &fs_root;
	const char *rest = abs + 1;
	for (unsigned i = 0; i < MOUNTS; i++) {
		size_t n = strlen(mounts[i].name);
		if (!strncmp(rest, mounts[i].name, n) && (rest[n] == 0 || rest[n] == '/')) {
			out->fs = mounts[i].fs;
			rest += n + (rest[n] == '/');
			break;
		}
	}
	if (strlen(rest) >= sizeof out->rest)
		return -ENAMETOOLONG;
	strcpy(out->rest, rest);
	return 0;
}

char *vfs_path_string(const struct fs *fs, const char *rest)
{
	size_t n = strlen(fs->name) + strlen(rest) + 3;
	char *p = malloc(n);
	if (!p)
		return NULL;
	strcpy(p, fs->name);
	if (*rest) {
		if (strcmp(fs->name, "/"))
			strcat(p, "/");
		strcat(p, rest);
	}
	return p;
}

void stat_fill(struct stat *st, mode_t mode, off_t size, uint64_t ino)
{
	memset(st, 0, sizeof *st);
	st->st_mode = mode;
	st->st_size = size;
	st->st_ino = ino;
	st->st_nlink = S_ISDIR(mode) ? 2 : 1;
	st->st_blksize = 4096;
	st->st_blocks = (size + 511) / 512;
	st->st_dev = 0x4c34;                 /* "L4": one device for all */
}

bool dirent_emit(struct dirent_sink *s, uint64_t ino, off_t next, unsigned char type, const char *name)
{
	size_t n = strlen(name);
	/* getdents64: ino, off, reclen, type, name; getdents: ino, off,
	 * reclen, name, then the type in the record's last byte. */
	size_t head = s->old_format ? 18 : 19;
	size_t reclen = (head + n + 1 + (s->old_format ? 1 : 0) + 7) & ~7UL;
	if (s->used + reclen > s->size) {
		s->full = true;
		return false;
	}
	char *r = s->buf + s->used;
	memset(r, 0, reclen);
	uint64_t off = (uint64_t)next;
	unsigned short rl = (unsigned short)reclen;
	memcpy(r, &ino, 8);
	memcpy(r + 8, &off, 8);
	memcpy(r + 16, &rl, 2);
	if (s->old_format) {
		memcpy(r + 18, name, n);
		r[reclen - 1] = (char)type;
	} else {
		r[18] = (char)type;
		memcpy(r + 19, name, n);
	}
	s->used += reclen;
	return true;
}

/* ---- the root: a read-only directory of the mount points --------------- */

static long root_readdir(struct file *f, off_t index, struct dirent_sink *sink)
{
	static const char *const names[] = { ".", "..", "dev", "rom", "tmp" };
	if (index >= (off_t)(sizeof names / sizeof names[0]))
		return 0;
	return dirent_emit(sink, 2 + (uint64_t)index, index + 1, DT_DIR, names[index]) ? 1 : -EINVAL;
}

static long root_stat_file(struct file *f, struct stat *st)
{
	stat_fill(st, S_IFDIR | 0755, 4096, 2);
	return 0;
}

long vfs_dir_read(struct file *f, void *buf, size_t len, off_t pos)
{
	return -EISDIR;
}

static const struct file_ops root_dir_ops = {
	.read = vfs_dir_read, .stat = root_stat_file, .readdir = root_readdir, .seekable = true,
};

static long root_open(const char *rest, int flags, mode_t mode, bool trailing_slash, struct file **out)
{
	if (*rest)
		return flags & O_CREAT ? -EROFS : -ENOENT;
	if (flags & O_CREAT)
		return -EISDIR;
	if ((flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	if (!(*out = file_new(&root_dir_ops, flags, NULL)))
		return -ENOMEM;
	return 0;
}

static long root_stat(const char *rest, struct stat *st)
{
	if (*rest)
		return -ENOENT;
	return root_stat_file(NULL, st);
}

static long root_refuse(const char *rest)
{
	return *rest ? -ENOENT : -EBUSY;
}

static long root_mkdir(const char *rest, mode_t mode)
{
	return *rest ? -EROFS : -EEXIST;
}

static long root_rename(const char *from, const char *to)
{
	return -EXDEV;
}

static long root_access(const char *rest, int mode)
{
	if (*rest)
		return -ENOENT;
	return mode & W_OK ? -EROFS : 0;
}

const struct fs fs_root = {
	.name = "/", .open = root_open, .stat = root_stat, .mkdir = root_mkdir, .rmdir = root_refuse,
	.unlink = root_refuse, .rename = root_rename, .access = root_access,
};
