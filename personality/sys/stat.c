/* fstat, stat, lstat, newfstatat, access, faccessat.  There are no
 * symbolic links, so lstat is stat. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include "../posix.h"

POSIX_HANDLER(sys_fstat)
{
	struct file *f = fd_get(a1);
	if (!f)
		return -EBADF;
	if (!a2)
		return -EFAULT;
	return f->ops->stat(f, (struct stat *)a2);
}

static long stat_at(long dirfd, const char *path, struct stat *st, long flags)
{
	if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	if ((flags & AT_EMPTY_PATH) && path && !*path)
		return dirfd == AT_FDCWD ? stat_at(AT_FDCWD, ".", st, 0) : sys_fstat(dirfd, (long)st, 0, 0, 0, 0);
	struct vfs_path p;
	long e = vfs_resolve(dirfd, path, &p);
	if (e)
		return e;
	if (!st)
		return -EFAULT;
	if ((e = p.fs->stat(p.rest, st)))
		return e;
	if (p.trailing_slash && !S_ISDIR(st->st_mode))
		return -ENOTDIR;
	return 0;
}

POSIX_HANDLER(sys_stat)
{
	return stat_at(AT_FDCWD, (const char *)a1, (struct stat *)a2, 0);
}

POSIX_HANDLER(sys_lstat)
{
	return stat_at(AT_FDCWD, (const char *)a1, (struct stat *)a2, AT_SYMLINK_NOFOLLOW);
}

POSIX_HANDLER(sys_newfstatat)
{
	return stat_at(a1, (const char *)a2, (struct stat *)a3, a4);
}

static long access_at(long dirfd, const char *path, long mode)
{
	if (mode & ~(long)(R_OK | W_OK | X_OK))
		return -EINVAL;
	struct vfs_path p;
	long e = vfs_resolve(dirfd, path, &p);
	if (e)
		return e;
	return p.fs->access(p.rest, (int)mode);
}

POSIX_HANDLER(sys_access)
{
	return access_at(AT_FDCWD, (const char *)a1, a2);
}

POSIX_HANDLER(sys_faccessat)
{
	return access_at(a1, (const char *)a2, a3);
}
