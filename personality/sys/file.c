/* open, close, read, write and their positioned and vectored forms,
 * lseek, truncate, fsync. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/uio.h>
#include <unistd.h>
#include "../posix.h"

/* The status flags an open file keeps (F_GETFL); Linux ignores unknown
 * open flags, and so does this. */
#define OPEN_STATUS_FLAGS (O_APPEND | O_NONBLOCK | O_DSYNC | O_SYNC | O_DIRECT | O_NOATIME)

static long open_at(long dirfd, const char *path, long flags, mode_t mode)
{
	struct vfs_path p;
	long e = vfs_resolve(dirfd, path, &p);
	if (e)
		return e;
	if ((flags & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	struct file *f = NULL;
	if ((e = p.fs->open(p.rest, (int)flags, mode, p.trailing_slash, &f)))
		return e;
	f->flags = (int)(flags & (O_ACCMODE | OPEN_STATUS_FLAGS)) | POSIX_O_LARGEFILE;
	if (f->ops->readdir && !(f->path = vfs_path_string(p.fs, p.rest))) {
		file_put(f);
		return -ENOMEM;
	}
	return fd_install(f, 0, flags & O_CLOEXEC);
}

POSIX_HANDLER(sys_open)
{
	return open_at(AT_FDCWD, (const char *)a1, a2, (mode_t)a3);
}

POSIX_HANDLER(sys_openat)
{
	return open_at(a1, (const char *)a2, a3, (mode_t)a4);
}

POSIX_HANDLER(sys_creat)
{
	return open_at(AT_FDCWD, (const char *)a1, O_CREAT | O_WRONLY | O_TRUNC, (mode_t)a2);
}

POSIX_HANDLER(sys_close)
{
	return fd_close(a1);
}

static bool can_read(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool can_write(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY;
}

/* One transfer at pos (or the file's position if pos < 0, which then
 * moves on). */
static long transfer(long fd, void *buf, size_t len, off_t pos, bool write)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (write ? !can_write(f) || !f->ops->write : !can_read(f) || !f->ops->read)
		return f->ops->readdir && !write ? -EISDIR : -EBADF;
	if (len && !buf)
		return -EFAULT;
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	bool positioned = pos >= 0;
	if (!positioned) {
		pos = f->pos;
		if (write && (f->flags & O_APPEND) && f->ops->size)
			pos = f->ops->size(f);
	}
	if (f->ops->seekable && len > (size_t)(LLONG_MAX - pos))
		return -EFBIG;
	long r = write ? f->ops->write(f, buf, len, pos) : f->ops->read(f, buf, len, pos);
	if (r > 0 && !positioned && f->ops->seekable)
		f->pos = pos + r;
	return r;
}

POSIX_HANDLER(sys_read)
{
	return transfer(a1, (void *)a2, (size_t)a3, -1, false);
}

POSIX_HANDLER(sys_write)
{
	return transfer(a1, (void *)a2, (size_t)a3, -1, true);
}

static long positioned(long fd, void *buf, size_t len, off_t pos, bool write)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (!f->ops->seekable)
		return -ESPIPE;
	if (pos < 0)
		return -EINVAL;
	return transfer(fd, buf, len, pos, write);
}

POSIX_HANDLER(sys_pread64)
{
	return positioned(a1, (void *)a2, (size_t)a3, (off_t)a4, false);
}

POSIX_HANDLER(sys_pwrite64)
{
	return positioned(a1, (void *)a2, (size_t)a3, (off_t)a4, true);
}

static long vectored(long fd, const struct iovec *iov, long count, bool write)
{
	if (!fd_get(fd))
		return -EBADF;
	if (count < 0 || count > IOV_MAX)
		return -EINVAL;
	if (count && !iov)
		return -EFAULT;
	long total = 0;
	for (long i = 0; i < count; i++) {
		if (!iov[i].iov_len)
			continue;
		long r = transfer(fd, iov[i].iov_base, iov[i].iov_len, -1, write);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((size_t)r < iov[i].iov_len)
			break;
	}
	return total;
}

POSIX_HANDLER(sys_readv)
{
	return vectored(a1, (const struct iovec *)a2, a3, false);
}

POSIX_HANDLER(sys_writev)
{
	return vectored(a1, (const struct iovec *)a2, a3, true);
}

POSIX_HANDLER(sys_lseek)
{
	struct file *f = fd_get(a1);
	if (!f)
		return -EBADF;
	if (!f->ops->seekable)
		return -ESPIPE;
	if (f->ops->seek_zero)
		return f->pos = 0;
	off_t base;
	switch (a3) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = f->pos; break;
	case SEEK_END:
		if (!f->ops->size)
			return -EINVAL;
		base = f->ops->size(f);
		break;
	default:
		return -EINVAL;
	}
	if ((a2 > 0 && base > LLONG_MAX - a2) || base + a2 < 0)
		return -EINVAL;
	f->pos = base + a2;
	return f->pos;
}

POSIX_HANDLER(sys_ftruncate)
{
	struct file *f = fd_get(a1);
	if (!f)
		return -EBADF;
	if (a2 < 0 || !can_write(f) || !f->ops->truncate)
		return -EINVAL;
	return f->ops->truncate(f, (off_t)a2);
}

POSIX_HANDLER(sys_truncate)
{
	long fd = open_at(AT_FDCWD, (const char *)a1, O_WRONLY, 0);
	if (fd < 0)
		return fd;
	long r = sys_ftruncate(fd, a2, 0, 0, 0, 0);
	fd_close(fd);
	return r;
}

/* Nothing is cached below the files: every write is already where it goes. */
POSIX_HANDLER(sys_fsync)
{
	return fd_get(a1) ? 0 : -EBADF;
}
