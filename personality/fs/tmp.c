/* /tmp: a writable file system in the task's own memory.  Files are
 * buffers from malloc that grow as written; directories are lists.  It
 * is per task for now: another task (or the next run) sees its own empty
 * /tmp.  A file removed while open lives until its last close. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../posix.h"

struct tnode {
	struct tnode *parent, *children, *next;   /* next: the parent's next child */
	bool dir, unlinked;
	unsigned opens;             /* open file descriptions */
	char *data;
	size_t size, cap;
	uint64_t ino;
	char name[NAME_MAX + 1];
};

static struct tnode tmp_root = { .dir = true, .ino = 100 };
static uint64_t next_ino = 101;

/* The directory that holds the last component of rest, the component,
 * and the node it names (NULL if none).  An intermediate component that
 * is missing is -ENOENT, one that is a file -ENOTDIR. */
static long tmp_lookup(const char *rest, struct tnode **parent, const char **last, struct tnode **node)
{
	struct tnode *dir = &tmp_root;
	const char *p = rest;
	for (;;) {
		size_t n = strcspn(p, "/");
		struct tnode *c = dir->children;
		while (c && (strlen(c->name) != n || memcmp(c->name, p, n)))
			c = c->next;
		if (!p[n]) {
			*parent = dir;
			*last = p;
			*node = c;
			return 0;
		}
		if (!c)
			return -ENOENT;
		if (!c->dir)
			return -ENOTDIR;
		dir = c;
		p += n + 1;
	}
}

/* The node rest names, or -ENOENT / -ENOTDIR. */
static long tmp_find(const char *rest, struct tnode **t)
{
	struct tnode *parent;
	const char *name;
	long e = tmp_lookup(rest, &parent, &name, t);
	return e ? e : *t ? 0 : -ENOENT;
}

static struct tnode *tmp_create(struct tnode *parent, const char *name, bool dir)
{
	struct tnode *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->dir = dir;
	t->ino = next_ino++;
	strcpy(t->name, name);
	t->parent = parent;
	t->next = parent->children;
	parent->children = t;
	return t;
}

static void tmp_free_if_unused(struct tnode *t)
{
	if (t->unlinked && !t->opens) {
		free(t->data);
		free(t);
	}
}

static void tmp_detach(struct tnode *t)
{
	struct tnode **p = &t->parent->children;
	while (*p != t)
		p = &(*p)->next;
	*p = t->next;
	t->next = NULL;
}

static void tmp_remove(struct tnode *t)
{
	tmp_detach(t);
	t->unlinked = true;
	tmp_free_if_unused(t);
}

static long tmp_resize(struct tnode *t, size_t size)
{
	if (size > t->cap) {
		size_t cap = t->cap ? t->cap : 256;
		while (cap < size)
			cap *= 2;
		char *d = realloc(t->data, cap);
		if (!d)
			return -ENOSPC;
		t->data = d;
		t->cap = cap;
	}
	if (size > t->size)
		memset(t->data + t->size, 0, size - t->size);
	t->size = size;
	return 0;
}

static long tmp_read(struct file *f, void *buf, size_t len, off_t pos)
{
	const struct tnode *t = f->node;
	if ((size_t)pos >= t->size)
		return 0;
	if (len > t->size - (size_t)pos)
		len = t->size - (size_t)pos;
	memcpy(buf, t->data + pos, len);
	return (long)len;
}

static long tmp_write(struct file *f, const void *buf, size_t len, off_t pos)
{
	struct tnode *t = f->node;
	if ((size_t)pos + len > t->size) {
		long e = tmp_resize(t, (size_t)pos + len);
		if (e)
			return e;
	}
	memcpy(t->data + pos, buf, len);
	return (long)len;
}

static long tmp_node_stat(const struct tnode *t, struct stat *st)
{
	stat_fill(st, t->dir ? S_IFDIR | (t == &tmp_root ? 01777 : 0755) : S_IFREG | 0644,
		  t->dir ? 4096 : (off_t)t->size, t->ino);
	return 0;
}

static long tmp_file_stat(struct file *f, struct stat *st)
{
	return tmp_node_stat(f->node, st);
}

static long tmp_truncate(struct file *f, off_t len)
{
	return tmp_resize(f->node, (size_t)len);
}

static off_t tmp_size(struct file *f)
{
	return (off_t)((const struct tnode *)f->node)->size;
}

static void tmp_release(struct file *f)
{
	struct tnode *t = f->node;
	t->opens--;
	tmp_free_if_unused(t);
}

static long tmp_readdir(struct file *f, off_t index, struct dirent_sink *sink)
{
	const struct tnode *d = f->node;
	if (index < 2) {
		const struct tnode *which = index == 0 || !d->parent ? d : d->parent;
		return dirent_emit(sink, which->ino, index + 1, DT_DIR, index == 0 ? "." : "..") ? 1 : -EINVAL;
	}
	const struct tnode *c = d->children;
	for (off_t i = 2; c && i < index; i++)
		c = c->next;
	if (!c)
		return 0;
	return dirent_emit(sink, c->ino, index + 1, c->dir ? DT_DIR : DT_REG, c->name) ? 1 : -EINVAL;
}

static const struct file_ops tmp_file_ops = {
	.read = tmp_read, .write = tmp_write, .stat = tmp_file_stat, .truncate = tmp_truncate,
	.size = tmp_size, .release = tmp_release, .seekable = true,
};

static const struct file_ops tmp_dir_ops = {
	.read = vfs_dir_read, .stat = tmp_file_stat, .readdir = tmp_readdir, .release = tmp_release,
	.seekable = true,
};

static long tmp_open_node(struct tnode *t, int flags, struct file **out)
{
	if (!(*out = file_new(t->dir ? &tmp_dir_ops : &tmp_file_ops, flags, t)))
		return -ENOMEM;
	t->opens++;
	return 0;
}

static long tmp_open(const char *rest, int flags, mode_t mode, bool trailing_slash, struct file **out)
{
	struct tnode *parent, *t = &tmp_root;
	const char *name;
	if (*rest) {
		long e = tmp_lookup(rest, &parent, &name, &t);
		if (e)
			return e;
		if (!t) {
			if (!(flags & O_CREAT))
				return -ENOENT;
			if (trailing_slash)
				return -EISDIR;
			if (!(t = tmp_create(parent, name, false)))
				return -ENOSPC;
			return tmp_open_node(t, flags, out);
		}
	}
	if ((flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (t->dir) {
		if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT))
			return -EISDIR;
	} else {
		if (trailing_slash || (flags & O_DIRECTORY))
			return -ENOTDIR;
		if (flags & O_TRUNC)
			tmp_resize(t, 0);
	}
	return tmp_open_node(t, flags, out);
}

static long tmp_stat(const char *rest, struct stat *st)
{
	struct tnode *t = &tmp_root;
	long e = *rest ? tmp_find(rest, &t) : 0;
	return e ? e : tmp_node_stat(t, st);
}

static long tmp_mkdir(const char *rest, mode_t mode)
{
	struct tnode *parent, *t;
	const char *name;
	if (!*rest)
		return -EEXIST;
	long e = tmp_lookup(rest, &parent, &name, &t);
	if (e)
		return e;
	if (t)
		return -EEXIST;
	return tmp_create(parent, name, true) ? 0 : -ENOSPC;
}

static long tmp_rmdir(const char *rest)
{
	struct tnode *t;
	if (!*rest)
		return -EBUSY;
	long e = tmp_find(rest, &t);
	if (e)
		return e;
	if (!t->dir)
		return -ENOTDIR;
	if (t->children)
		return -ENOTEMPTY;
	tmp_remove(t);
	return 0;
}

static long tmp_unlink(const char *rest)
{
	struct tnode *t;
	if (!*rest)
		return -EISDIR;
	long e = tmp_find(rest, &t);
	if (e)
		return e;
	if (t->dir)
		return -EISDIR;
	tmp_remove(t);
	return 0;
}

static long tmp_rename(const char *from, const char *to)
{
	struct tnode *fparent, *src, *tparent, *dst;
	const char *fname, *tname;
	if (!*from || !*to)
		return -EBUSY;
	long e = tmp_lookup(from, &fparent, &fname, &src);
	if (e)
		return e;
	if (!src)
		return -ENOENT;
	if ((e = tmp_lookup(to, &tparent, &tname, &dst)))
		return e;
	if (src == dst)
		return 0;
	/* a directory cannot move below itself */
	for (const struct tnode *a = tparent; a; a = a->parent)
		if (a == src)
			return -EINVAL;
	if (dst) {
		if (src->dir && !dst->dir)
			return -ENOTDIR;
		if (!src->dir && dst->dir)
			return -EISDIR;
		if (dst->dir && dst->children)
			return -ENOTEMPTY;
		tmp_remove(dst);
	}
	tmp_detach(src);
	strcpy(src->name, tname);
	src->parent = tparent;
	src->next = tparent->children;
	tparent->children = src;
	return 0;
}

static long tmp_access(const char *rest, int mode)
{
	struct stat st;
	return tmp_stat(rest, &st);
}

const struct fs fs_tmp = {
	.name = "/tmp", .open = tmp_open, .stat = tmp_stat, .mkdir = tmp_mkdir, .rmdir = tmp_rmdir,
	.unlink = tmp_unlink, .rename = tmp_rename, .access = tmp_access,
};
