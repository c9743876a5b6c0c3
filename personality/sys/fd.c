/* Descriptor calls: dup, dup2, dup3, fcntl, ioctl. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include "../posix.h"

static long dup_to(long oldfd, long newfd, bool cloexec)
{
	struct file *f = fd_get(oldfd);
	if (!f)
		return -EBADF;
	if (newfd < 0 || newfd >= POSIX_FD_MAX)
		return -EBADF;
	f->refs++;
	return fd_install_at(f, newfd, cloexec);
}

POSIX_HANDLER(sys_dup)
{
	struct file *f = fd_get(a1);
	if (!f)
		return -EBADF;
	f->refs++;
	return fd_install(f, 0, false);
}

POSIX_HANDLER(sys_dup2)
{
	if (a1 == a2)
		return fd_get(a1) ? a1 : -EBADF;
	return dup_to(a1, a2, false);
}

POSIX_HANDLER(sys_dup3)
{
	if (a3 & ~(long)O_CLOEXEC)
		return -EINVAL;
	if (a1 == a2)
		return -EINVAL;
	return dup_to(a1, a2, a3 & O_CLOEXEC);
}

/* Status flags F_SETFL may change; the access mode stays. */
#define SETFL_FLAGS (O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME)

POSIX_HANDLER(sys_fcntl)
{
	struct file *f = fd_get(a1);
	if (!f)
		return -EBADF;
	switch (a2) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (a3 < 0 || a3 >= POSIX_FD_MAX)
			return -EINVAL;
		f->refs++;
		return fd_install(f, a3, a2 == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return fd_cloexec(a1);
	case F_SETFD:
		return fd_set_cloexec(a1, a3 & FD_CLOEXEC);
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		f->flags = (f->flags & ~SETFL_FLAGS) | (int)(a3 & SETFL_FLAGS);
		return 0;
	default:
		return -EINVAL;
	}
}

POSIX_HANDLER(sys_ioctl)
{
	struct file *f = fd_get(a1);
	if (!f)
		return -EBADF;
	if (!f->ops->ioctl)
		return -ENOTTY;
	return f->ops->ioctl(f, (unsigned long)a2, a3);
}
