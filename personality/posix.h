/* The POSIX personality's internals: the handler type the dispatcher
 * calls, the file-descriptor table, and the small VFS the file calls go
 * through.  Handlers return a result >= 0 or -errno; the dispatcher puts
 * it into rax, and musl sets errno from it as it does on Linux. */
#ifndef UMOL4_PERSONALITY_POSIX_H
#define UMOL4_PERSONALITY_POSIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Every handler takes the six argument registers; unused ones are ignored. */
typedef long posix_handler(long a1, long a2, long a3, long a4, long a5, long a6);
#define POSIX_HANDLER(name) long name(long a1, long a2, long a3, long a4, long a5, long a6)
#define CALL(nr, fn) posix_handler fn;
#include "calls.h"
#undef CALL

/* Linux's view of the flags an open file keeps: O_LARGEFILE is always
 * set on 64-bit Linux, so F_GETFL shows it there too. */
#define POSIX_O_LARGEFILE 0100000
#define POSIX_FD_MAX      256

/* ---- process-wide state set up by posix_init ---------------------------- */
extern bool posix_launched;   /* started by a launcher: L4Re environment */
long posix_pid(void);         /* this process's id (sys/process.c) */
extern const unsigned char *posix_at_random;   /* AT_RANDOM bytes, or NULL */
long posix_raw_syscall2(long nr, long a, long b);   /* a real Linux call the stub admits */
void memory_init(uintptr_t heap, uintptr_t heap_size);   /* the root task's heap */

/* ---- open files ------------------------------------------------------------ */
struct file;
struct dirent_sink;

struct file_ops {
	/* Read or write at *pos; seekable files advance it, others ignore it. */
	long (*read)(struct file *f, void *buf, size_t len, off_t pos);
	long (*write)(struct file *f, const void *buf, size_t len, off_t pos);
	long (*stat)(struct file *f, struct stat *st);
	long (*truncate)(struct file *f, off_t len);          /* NULL: EINVAL */
	long (*ioctl)(struct file *f, unsigned long cmd, long arg);   /* NULL: ENOTTY */
	/* Emit directory entry number index (0 = "."), 0 at the end, 1 emitted. */
	long (*readdir)(struct file *f, off_t index, struct dirent_sink *sink);
	off_t (*size)(struct file *f);                        /* for SEEK_END */
	void (*release)(struct file *f);
	bool seekable;
	bool seek_zero;             /* lseek always gives 0 (Linux's /dev/null) */
};

/* An open file description, shared by dup()ed descriptors. */
struct file {
	const struct file_ops *ops;
	unsigned refs;
	int flags;                  /* access mode and status flags (F_GETFL) */
	off_t pos;                  /* byte offset, or entry index of a directory */
	void *node;                 /* the file system's object */
	char *path;                 /* a directory's absolute path (openat, fchdir), else NULL */
};

struct file *file_new(const struct file_ops *ops, int flags, void *node);
void file_put(struct file *f);

/* The descriptor table: the file at fd (NULL if none), install at the
 * lowest free number >= min (-EMFILE if none), replace at a number. */
struct file *fd_get(long fd);
long fd_install(struct file *f, long min, bool cloexec);
long fd_install_at(struct file *f, long fd, bool cloexec);
long fd_close(long fd);
long fd_cloexec(long fd);                 /* FD_CLOEXEC or 0, -EBADF */
long fd_set_cloexec(long fd, bool on);

/* ---- directory entries ------------------------------------------------ */
struct dirent_sink {
	char *buf;
	size_t size, used;
	bool old_format;            /* getdents (struct linux_dirent) rather than getdents64 */
	bool full;
};
/* Adds one entry; false (and full set) if it does not fit. */
bool dirent_emit(struct dirent_sink *s, uint64_t ino, off_t next, unsigned char type, const char *name);

/* ---- the VFS ----------------------------------------------------------- */
/* A resolved path: which file system and the rest of the path in it
 * ("" = the mount point itself), and whether it ended in '/'. */
struct vfs_path {
	const struct fs *fs;
	char rest[256];
	bool trailing_slash;
};

struct fs {
	const char *name;
	/* open the object at rest; -errno */
	long (*open)(const char *rest, int flags, mode_t mode, bool trailing_slash, struct file **out);
	long (*stat)(const char *rest, struct stat *st);
	long (*mkdir)(const char *rest, mode_t mode);
	long (*rmdir)(const char *rest);
	long (*unlink)(const char *rest);
	long (*rename)(const char *from, const char *to);
	long (*access)(const char *rest, int mode);
};

extern const struct fs fs_root, fs_rom, fs_dev, fs_tmp;

/* Resolve path (relative to dirfd, AT_FDCWD = the working directory). */
long vfs_resolve(long dirfd, const char *path, struct vfs_path *out);
/* The working directory's absolute path. */
const char *vfs_cwd(void);
long vfs_set_cwd(const char *abs);
/* A user path copied and checked: -EFAULT for NULL, -ENOENT for "",
 * -ENAMETOOLONG; otherwise 0. */
long vfs_check_path(const char *path);

/* Absolute path of a directory being opened, for file->path; NULL if
 * out of memory. */
char *vfs_path_string(const struct fs *fs, const char *rest);

/* read of a directory: -EISDIR */
long vfs_dir_read(struct file *f, void *buf, size_t len, off_t pos);

/* Fill the parts of a struct stat every file system sets alike. */
void stat_fill(struct stat *st, mode_t mode, off_t size, uint64_t ino);

/* The console (fds 0/1/2, /dev/console): writes go to the log. */
extern const struct file_ops console_ops;
long console_write(const void *buf, size_t len);

/* Random bytes (sys/process.c), for getrandom and /dev/urandom. */
void posix_random_fill(void *buf, size_t len);

/* Threads (sys/thread.c): clone and a thread's exit need the caller's
 * registers (gregs of its ucontext): true if the call was one of them.
 * The lock keeps handlers one at a time once there are threads. */
bool posix_thread_call(long long *gregs);
void posix_lock(void);
void posix_unlock(void);

/* Say once per call number that a call is not supported. */
void posix_report_unsupported(long nr);
void posix_log(const char *s);

#endif
