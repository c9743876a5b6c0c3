/* /dev: the console (also fds 0, 1, 2), null, zero, urandom and random.
 * The console writes to the task's log capability (its tagged log when
 * moe started it); reading it gives end of file until there is input. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <l4/sys/consts.h>
#include <l4/sys/vcon.h>
#include "../posix.h"

long console_write(const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;
	while (done < len) {
		unsigned n = len - done > L4_VCON_WRITE_SIZE ? L4_VCON_WRITE_SIZE : (unsigned)(len - done);
		if (l4_ipc_error(l4_vcon_send(L4_BASE_LOG_CAP, p + done, n), l4_utcb()))
			return done ? (long)done : -EIO;
		done += n;
	}
	return (long)len;
}

static long console_read(struct file *f, void *buf, size_t len, off_t pos)
{
	return 0;
}

static long console_file_write(struct file *f, const void *buf, size_t len, off_t pos)
{
	return console_write(buf, len);
}

static long console_stat(struct file *f, struct stat *st)
{
	stat_fill(st, S_IFCHR | 0620, 0, 10);
	st->st_rdev = makedev(5, 1);
	return 0;
}

/* A terminal of the usual size: musl's isatty() asks for it, and a
 * terminal gets line-buffered stdout, so log lines come out as written. */
static long console_ioctl(struct file *f, unsigned long cmd, long arg)
{
	if (cmd != TIOCGWINSZ)
		return -ENOTTY;
	struct winsize *w = (struct winsize *)arg;
	if (!w)
		return -EFAULT;
	memset(w, 0, sizeof *w);
	w->ws_row = 24;
	w->ws_col = 80;
	return 0;
}

const struct file_ops console_ops = {
	.read = console_read, .write = console_file_write, .stat = console_stat, .ioctl = console_ioctl,
};


static long null_read(struct file *f, void *buf, size_t len, off_t pos)
{
	return 0;
}

static long null_write(struct file *f, const void *buf, size_t len, off_t pos)
{
	return (long)len;
}

static long zero_read(struct file *f, void *buf, size_t len, off_t pos)
{
	memset(buf, 0, len);
	return (long)len;
}

static long random_read(struct file *f, void *buf, size_t len, off_t pos)
{
	posix_random_fill(buf, len);
	return (long)len;
}

static const struct device {
	const char *name;
	unsigned major, minor;
	struct file_ops ops;
} devices[] = {
	{ "console", 5, 1, { 0 } },
	{ "null", 1, 3, { .read = null_read, .write = null_write, .seekable = true, .seek_zero = true } },
	{ "random", 1, 8, { .read = random_read, .write = null_write } },
	{ "urandom", 1, 9, { .read = random_read, .write = null_write } },
	{ "zero", 1, 5, { .read = zero_read, .write = null_write, .seekable = true, .seek_zero = true } },
};
enum { DEVICES = sizeof devices / sizeof devices[0] };

static const struct device *device_find(const char *name)
{
	for (unsigned i = 0; i < DEVICES; i++)
		if (!strcmp(devices[i].name, name))
			return &devices[i];
	return NULL;
}

static long device_stat_file(struct file *f, struct stat *st)
{
	const struct device *d = f->node;
	stat_fill(st, S_IFCHR | 0666, 0, 20 + (uint64_t)(d - devices));
	st->st_rdev = makedev(d->major, d->minor);
	return 0;
}

static long dev_readdir(struct file *f, off_t index, struct dirent_sink *sink)
{
	if (index >= DEVICES + 2)
		return 0;
	const char *name = index == 0 ? "." : index == 1 ? ".." : devices[index - 2].name;
	unsigned char type = index < 2 ? DT_DIR : DT_CHR;
	return dirent_emit(sink, 20 + (uint64_t)index, index + 1, type, name) ? 1 : -EINVAL;
}

static long dev_dir_stat(struct file *f, struct stat *st)
{
	stat_fill(st, S_IFDIR | 0755, 4096, 3);
	return 0;
}

static const struct file_ops dev_dir_ops = {
	.read = vfs_dir_read, .stat = dev_dir_stat, .readdir = dev_readdir, .seekable = true,
};

/* device files have their own ops; stat goes through the device table */
static struct file_ops device_ops[DEVICES];

static long dev_open(const char *rest, int flags, mode_t mode, bool trailing_slash, struct file **out)
{
	if (!*rest) {
		if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT))
			return -EISDIR;
		*out = file_new(&dev_dir_ops, flags, NULL);
		return *out ? 0 : -ENOMEM;
	}
	const struct device *d = device_find(rest);
	if (!d)
		return flags & O_CREAT ? -EROFS : -ENOENT;
	if ((flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (trailing_slash || (flags & O_DIRECTORY))
		return -ENOTDIR;
	if (d == &devices[0]) {
		*out = file_new(&console_ops, flags, NULL);
		return *out ? 0 : -ENOMEM;
	}
	unsigned i = (unsigned)(d - devices);
	if (!device_ops[i].read) {
		device_ops[i] = d->ops;
		device_ops[i].stat = device_stat_file;
	}
	*out = file_new(&device_ops[i], flags, (void *)d);
	return *out ? 0 : -ENOMEM;
}

static long dev_stat(const char *rest, struct stat *st)
{
	if (!*rest)
		return dev_dir_stat(NULL, st);
	const struct device *d = device_find(rest);
	if (!d)
		return -ENOENT;
	if (d == &devices[0])
		return console_stat(NULL, st);
	struct file f = { .node = (void *)d };
	return device_stat_file(&f, st);
}

static long dev_mkdir(const char *rest, mode_t mode)
{
	return !*rest || device_find(rest) ? -EEXIST : -EROFS;
}

static long dev_remove(const char *rest)
{
	if (!*rest)
		return -EBUSY;
	return device_find(rest) ? -EROFS : -ENOENT;
}

static long dev_rename(const char *from, const char *to)
{
	return -EROFS;
}

static long dev_access(const char *rest, int mode)
{
	return !*rest || device_find(rest) ? 0 : -ENOENT;
}

const struct fs fs_dev = {
	.name = "/dev", .open = dev_open, .stat = dev_stat, .mkdir = dev_mkdir, .rmdir = dev_remove,
	.unlink = dev_remove, .rename = dev_rename, .access = dev_access,
};
