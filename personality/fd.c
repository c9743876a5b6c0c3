/* The file-descriptor table of the task and open file descriptions.
 * Descriptors 0, 1 and 2 start as the console. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include "posix.h"

struct fd_slot {
	struct file *file;
	bool cloexec;
};

/* The console's description is static: it must exist before malloc works
 * and is never freed. */
static struct file console_file = { .ops = &console_ops, .refs = 4, .flags = O_RDWR | POSIX_O_LARGEFILE };
static struct fd_slot fds[POSIX_FD_MAX] = {
	{ &console_file, false }, { &console_file, false }, { &console_file, false },
};

struct file *file_new(const struct file_ops *ops, int flags, void *node)
{
	struct file *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->ops = ops;
	f->refs = 1;
	f->flags = flags;
	f->node = node;
	return f;
}

void file_put(struct file *f)
{
	if (--f->refs || f == &console_file)
		return;
	if (f->ops->release)
		f->ops->release(f);
	free(f->path);
	free(f);
}

struct file *fd_get(long fd)
{
	if (fd < 0 || fd >= POSIX_FD_MAX)
		return NULL;
	return fds[fd].file;
}

/* Takes over the caller's reference to f. */
long fd_install(struct file *f, long min, bool cloexec)
{
	for (long fd = min < 0 ? 0 : min; fd < POSIX_FD_MAX; fd++)
		if (!fds[fd].file)
			return fd_install_at(f, fd, cloexec);
	file_put(f);
	return -EMFILE;
}

long fd_install_at(struct file *f, long fd, bool cloexec)
{
	struct file *old = fds[fd].file;
	fds[fd].file = f;
	fds[fd].cloexec = cloexec;
	if (old)
		file_put(old);
	return fd;
}

long fd_close(long fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	fds[fd].file = NULL;
	file_put(f);
	return 0;
}

long fd_cloexec(long fd)
{
	if (!fd_get(fd))
		return -EBADF;
	return fds[fd].cloexec ? FD_CLOEXEC : 0;
}

long fd_set_cloexec(long fd, bool on)
{
	if (!fd_get(fd))
		return -EBADF;
	fds[fd].cloexec = on;
	return 0;
}
