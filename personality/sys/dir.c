/* Directories: getdents64 (and the old getdents), mkdir, rmdir, unlink,
 * rename, getcwd, chdir, fchdir. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include "../posix.h"

static long list(long fd, void *buf, size_t size, bool old_format)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (!f->ops->readdir)
		return -ENOTDIR;
	struct dirent_sink sink = { buf, size, 0, old_format, false };
	for (;;) {
		long r = f->ops->readdir(f, f->pos, &sink);
		if (r == 0)
			break;
		if (r < 0)
			return sink.used ? (long)sink.used : r;   /* -EINVAL: not even one fits */
		f->pos++;
	}
	return (long)sink.used;
}

POSIX_HANDLER(sys_getdents64)
{
	return list(a1, (void *)a2, (size_t)a3, false);
}

POSIX_HANDLER(sys_getdents)
{
	return list(a1, (void *)a2, (size_t)a3, true);
}

static long mkdir_at(long dirfd, const char *path, mode_t mode)
{
	struct vfs_path p;
	long e = vfs_resolve(dirfd, path, &p);
	return e ? e : p.fs->mkdir(p.rest, mode);
}

POSIX_HANDLER(sys_mkdir)
{
	return mkdir_at(AT_FDCWD, (const char *)a1, (mode_t)a2);
}

POSIX_HANDLER(sys_mkdirat)
{
	return mkdir_at(a1, (const char *)a2, (mode_t)a3);
}

static long remove_at(long dirfd, const char *path, bool dir)
{
	struct vfs_path p;
	long e = vfs_resolve(dirfd, path, &p);
	if (e)
		return e;
	if (!dir && p.trailing_slash) {
		struct stat st;
		e = p.fs->stat(p.rest, &st);
		return e ? e : S_ISDIR(st.st_mode) ? -EISDIR : -ENOTDIR;
	}
	return dir ? p.fs->rmdir(p.rest) : p.fs->unlink(p.rest);
}

POSIX_HANDLER(sys_rmdir)
{
	return remove_at(AT_FDCWD, (const char *)a1, true);
}

POSIX_HANDLER(sys_unlink)
{
	return remove_at(AT_FDCWD, (const char *)a1, false);
}

POSIX_HANDLER(sys_unlinkat)
{
	if (a3 & ~(long)AT_REMOVEDIR)
		return -EINVAL;
	return remove_at(a1, (const char *)a2, a3 & AT_REMOVEDIR);
}

static long rename_at(long olddirfd, const char *from, long newdirfd, const char *to, long flags)
{
	if (flags)
		return -EINVAL;
	struct vfs_path a, b;
	long e = vfs_resolve(olddirfd, from, &a);
	if (e || (e = vfs_resolve(newdirfd, to, &b)))
		return e;
	if (a.fs != b.fs)
		return -EXDEV;
	return a.fs->rename(a.rest, b.rest);
}

POSIX_HANDLER(sys_rename)
{
	return rename_at(AT_FDCWD, (const char *)a1, AT_FDCWD, (const char *)a2, 0);
}

POSIX_HANDLER(sys_renameat)
{
	return rename_at(a1, (const char *)a2, a3, (const char *)a4, 0);
}

POSIX_HANDLER(sys_renameat2)
{
	return rename_at(a1, (const char *)a2, a3, (const char *)a4, a5);
}

POSIX_HANDLER(sys_getcwd)
{
	const char *cwd = vfs_cwd();
	size_t n = strlen(cwd) + 1;
	if (!a1)
		return -EFAULT;
	if ((size_t)a2 < n)
		return -ERANGE;
	memcpy((char *)a1, cwd, n);
	return (long)n;
}

static long change_dir(long dirfd, const char *path)
{
	struct vfs_path p;
	long e = vfs_resolve(dirfd, path, &p);
	if (e)
		return e;
	struct stat st;
	if ((e = p.fs->stat(p.rest, &st)))
		return e;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	char *abs = vfs_path_string(p.fs, p.rest);
	if (!abs)
		return -ENOMEM;
	e = vfs_set_cwd(abs);
	free(abs);
	return e;
}

POSIX_HANDLER(sys_chdir)
{
	return change_dir(AT_FDCWD, (const char *)a1);
}

POSIX_HANDLER(sys_fchdir)
{
	struct file *f = fd_get(a1);
	if (!f)
		return -EBADF;
	if (!f->path)
		return -ENOTDIR;
	return vfs_set_cwd(f->path);
}
