/* What tests/posix programs share: one line per check with the result
 * and errno, so that the run on umol4 and the native run of the same
 * program (static musl on the host) can be compared with diff.  argv[1]
 * is the directory that stands for "/" ("-" on umol4, where /rom and
 * /tmp are the real ones; a temporary directory on the host). */
#ifndef TESTS_POSIX_CHECK_H
#define TESTS_POSIX_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Linux's names for the errors the tests expect. */
static const char *err_name(int e)
{
	static const struct { int e; const char *name; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EBADF, "EBADF" }, { EACCES, "EACCES" },
		{ EEXIST, "EEXIST" }, { EXDEV, "EXDEV" }, { ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" },
		{ EINVAL, "EINVAL" }, { EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" }, { ESPIPE, "ESPIPE" },
		{ EROFS, "EROFS" }, { ERANGE, "ERANGE" }, { ENOSYS, "ENOSYS" }, { ENOTEMPTY, "ENOTEMPTY" },
		{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { ENAMETOOLONG, "ENAMETOOLONG" },
	};
	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].e == e)
			return names[i].name;
	return "E?";
}

/* "what: r" or "what: -1 ENAME" */
static void show(const char *what, long r)
{
	if (r < 0)
		printf("%s: %ld %s\n", what, r, err_name(errno));
	else
		printf("%s: %ld\n", what, r);
	fflush(stdout);
}

/* A write to rom/: EROFS on umol4; on the host rom/ is a directory
 * without write permission (EACCES).  Both say "read-only". */
static inline void show_ro(const char *what, long r)
{
	if (r < 0 && (errno == EROFS || errno == EACCES))
		printf("%s: %ld read-only\n", what, r);
	else
		show(what, r);
}

static void yes(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "yes" : "no");
	fflush(stdout);
}

static char root_dir[1024];

/* An absolute path below the stand-in root. */
static inline const char *P(const char *abs)
{
	static char buf[4][1100];
	static unsigned n;
	char *b = buf[n++ % 4];
	snprintf(b, sizeof buf[0], "%s%s", root_dir, abs);
	return b;
}

static void set_root(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "-"))
		snprintf(root_dir, sizeof root_dir, "%s", argv[1]);
}

#endif
