/* POSIX files: rom/ (boot modules), /tmp, /dev/null, descriptors, dup
 * and fcntl, directories and their listings, errno of the usual
 * mistakes.  Prints one line per check; tests/run.sh compares the output
 * on umol4 with the native run. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directory's entries with their types, sorted. */
static void listing(const char *what, const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		show(what, -1);
		return;
	}
	char *names[64];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 64) {
		char *s = malloc(300);
		snprintf(s, 300, "%s%s", e->d_name, e->d_type == DT_DIR ? "/" : e->d_type == DT_REG ? "" : "?");
		names[n++] = s;
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof names[0], cmp);
	printf("%s:", what);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
	fflush(stdout);
}

static void rom_checks(void)
{
	char buf[5000];
	struct stat st;
	int fd = open(P("/rom/hello.txt"), O_RDONLY);
	show("open /rom/hello.txt", fd);
	long n = read(fd, buf, 100);
	show("read 100", n);
	printf("content: %.*s", (int)(n > 0 ? n : 0), buf);
	show("read at end", read(fd, buf, 100));
	show("lseek SET 7", lseek(fd, 7, SEEK_SET));
	n = read(fd, buf, 100);
	printf("read after lseek: %ld [%.*s]\n", n, (int)(n > 0 ? n - 1 : 0), buf);
	n = pread(fd, buf, 5, 0);
	printf("pread 5 at 0: %ld [%.*s]\n", n, (int)(n > 0 ? n : 0), buf);
	show("lseek CUR 0 after pread", lseek(fd, 0, SEEK_CUR));
	show("fstat", fstat(fd, &st));
	yes("fstat S_ISREG", S_ISREG(st.st_mode));
	show("fstat size", (long)st.st_size);
	show("lseek END -3", lseek(fd, -3, SEEK_END));
	show("lseek SET -100", lseek(fd, -100, SEEK_SET));
	show("lseek whence 9", lseek(fd, 0, 9));
	show("write to O_RDONLY fd", write(fd, "x", 1));
	show("pread negative offset", pread(fd, buf, 1, -1));
	show("close", close(fd));
	show("close again", close(fd));
	show("read fd -1", read(-1, buf, 1));
	show("read fd 99", read(99, buf, 1));

	show("relative open rom/hello.txt", fd = open("rom/hello.txt", O_RDONLY | O_CLOEXEC));
	show("F_GETFD of O_CLOEXEC", fcntl(fd, F_GETFD));
	close(fd);
	show_ro("open rom O_WRONLY", open(P("/rom/hello.txt"), O_WRONLY));
	show_ro("open rom O_CREAT new", open(P("/rom/new.txt"), O_WRONLY | O_CREAT, 0644));
	show("open rom missing", open(P("/rom/missing"), O_RDONLY));
	show("open rom file/x", open(P("/rom/hello.txt/x"), O_RDONLY));
	show("open rom file O_DIRECTORY", open(P("/rom/hello.txt"), O_RDONLY | O_DIRECTORY));
	show("open rom O_CREAT|O_EXCL existing", open(P("/rom/hello.txt"), O_RDONLY | O_CREAT | O_EXCL, 0644));
	show("stat rom/lines.txt", stat(P("/rom/lines.txt"), &st));
	show("stat size", (long)st.st_size);
	show("stat rom/hello.txt/", stat(P("/rom/hello.txt/"), &st));
	show("stat rom missing", stat(P("/rom/nothing"), &st));
	show("access R_OK", access(P("/rom/hello.txt"), R_OK));
	show("mkdir rom (exists)", mkdir(P("/rom"), 0755));
	show_ro("mkdir rom/x", mkdir(P("/rom/x"), 0755));
	show_ro("unlink rom/hello.txt", unlink(P("/rom/hello.txt")));

	fd = open(P("/rom/lines.txt"), O_RDONLY);
	unsigned long sum = 0, total = 0;
	while ((n = read(fd, buf, 4096)) > 0) {
		for (long i = 0; i < n; i++)
			sum = sum * 31 + (unsigned char)buf[i];
		total += (unsigned long)n;
	}
	printf("lines.txt by 4 KiB reads: %lu bytes, hash %lx\n", total, sum);
	close(fd);
	listing("listing rom", P("/rom"));
	fd = open(P("/rom"), O_RDONLY | O_DIRECTORY);
	show("open rom O_DIRECTORY", fd);
	show("read a directory", read(fd, buf, 10));
	show("open rom O_WRONLY", open(P("/rom"), O_WRONLY));
	close(fd);
}

static void tmp_checks(void)
{
	char buf[100];
	struct stat st;
	int fd = open(P("/tmp/a"), O_CREAT | O_RDWR, 0644);
	show("create tmp/a", fd);
	show("write abc", write(fd, "abc", 3));
	show("lseek 0", lseek(fd, 0, SEEK_SET));
	long n = read(fd, buf, sizeof buf);
	printf("read: %ld [%.*s]\n", n, (int)(n > 0 ? n : 0), buf);
	fstat(fd, &st);
	show("size", (long)st.st_size);
	show("O_CREAT|O_EXCL existing", open(P("/tmp/a"), O_CREAT | O_EXCL | O_RDWR, 0644));
	show("O_CREAT in a missing directory", open(P("/tmp/nodir/x"), O_CREAT | O_RDWR, 0644));
	show("open tmp O_WRONLY", open(P("/tmp"), O_WRONLY));
	show("open tmp/a/ (file with slash)", open(P("/tmp/a/"), O_RDONLY));
	show("stat tmp/a/", stat(P("/tmp/a/"), &st));
	show("getdents on a file", getdents64(fd, (struct dirent *)buf, sizeof buf));
	show("ioctl TIOCGWINSZ on a file", ioctl(fd, TIOCGWINSZ, buf));
	show("ftruncate 10000", ftruncate(fd, 10000));
	fstat(fd, &st);
	show("size", (long)st.st_size);
	n = pread(fd, buf, 10, 9990);
	printf("pread 10 at 9990: %ld zero=%d\n", n, n == 10 && !memcmp(buf, "\0\0\0\0\0\0\0\0\0\0", 10));
	show("ftruncate -1", ftruncate(fd, -1));
	show("ftruncate 3", ftruncate(fd, 3));
	show("pwrite at 20000", pwrite(fd, "xyzzy", 5, 20000));
	show("lseek END 0", lseek(fd, 0, SEEK_END));
	show("ftruncate 3", ftruncate(fd, 3));
	close(fd);

	fd = open(P("/tmp/a"), O_WRONLY | O_APPEND);
	show("open O_APPEND", fd);
	show("F_GETFL", fcntl(fd, F_GETFL));
	lseek(fd, 0, SEEK_SET);
	show("append def", write(fd, "def", 3));
	close(fd);
	fd = open(P("/tmp/a"), O_RDONLY);
	n = read(fd, buf, sizeof buf);
	printf("after append: %ld [%.*s]\n", n, (int)(n > 0 ? n : 0), buf);
	show("ftruncate O_RDONLY fd", ftruncate(fd, 0));
	show("write O_RDONLY fd", write(fd, "x", 1));
	close(fd);
	fd = open(P("/tmp/a"), O_RDWR | O_TRUNC);
	fstat(fd, &st);
	show("O_TRUNC size", (long)st.st_size);
	show("write 0123456789", write(fd, "0123456789", 10));

	/* descriptors */
	int d = dup(fd);
	show("dup", d);
	lseek(fd, 4, SEEK_SET);
	show("dup shares the offset", lseek(d, 0, SEEK_CUR));
	show("dup2 to 10", dup2(fd, 10));
	show("F_GETFD 10", fcntl(10, F_GETFD));
	show("dup3 to 11 O_CLOEXEC", dup3(fd, 11, O_CLOEXEC));
	show("F_GETFD 11", fcntl(11, F_GETFD));
	show("F_SETFD 11 0", fcntl(11, F_SETFD, 0));
	show("F_GETFD 11", fcntl(11, F_GETFD));
	show("dup3 same fd", dup3(fd, fd, 0));
	show("dup3 bad flags", dup3(fd, 12, 1));
	show("dup2 same fd", dup2(fd, fd));
	show("dup2 from 99", dup2(99, 12));
	show("dup2 to -1", dup2(fd, -1));
	show("F_DUPFD 20", fcntl(fd, F_DUPFD, 20));
	show("F_DUPFD_CLOEXEC 5", fcntl(fd, F_DUPFD_CLOEXEC, 5));
	show("F_GETFD of it", fcntl(5, F_GETFD));
	show("F_DUPFD -1", fcntl(fd, F_DUPFD, -1));
	show("F_GETFL O_RDWR", fcntl(fd, F_GETFL));
	show("F_SETFL O_APPEND", fcntl(fd, F_SETFL, O_APPEND | O_RDONLY));
	show("F_GETFL", fcntl(fd, F_GETFL));
	show("fcntl bad command", fcntl(fd, 9999));
	show("fcntl on 99", fcntl(99, F_GETFD));
	show("fsync", fsync(fd));
	show("close 10", close(10));
	show("read through 11", read(11, buf, 3));
	for (int i = 5; i <= 20; i++)
		if (i != fd && i != d)
			close(i);
	close(d);
	close(fd);

	/* unlinked while open */
	fd = open(P("/tmp/u"), O_CREAT | O_RDWR, 0600);
	write(fd, "still here", 10);
	show("unlink open file", unlink(P("/tmp/u")));
	show("stat it", stat(P("/tmp/u"), &st));
	n = pread(fd, buf, 10, 0);
	printf("read after unlink: %ld [%.*s]\n", n, (int)(n > 0 ? n : 0), buf);
	close(fd);
}

static void dir_checks(void)
{
	struct stat st;
	char buf[300];
	show("mkdir tmp/d", mkdir(P("/tmp/d"), 0755));
	show("mkdir again", mkdir(P("/tmp/d"), 0755));
	show("mkdir tmp/x/y", mkdir(P("/tmp/x/y"), 0755));
	close(open(P("/tmp/d/f1"), O_CREAT | O_WRONLY, 0644));
	close(open(P("/tmp/d/f2"), O_CREAT | O_WRONLY, 0644));
	show("mkdir tmp/d/sub", mkdir(P("/tmp/d/sub"), 0755));
	show("stat dir", stat(P("/tmp/d"), &st));
	yes("S_ISDIR", S_ISDIR(st.st_mode));
	listing("listing tmp/d", P("/tmp/d"));
	show("rmdir non-empty", rmdir(P("/tmp/d")));
	show("unlink a directory", unlink(P("/tmp/d/sub")));
	show("rmdir a file", rmdir(P("/tmp/d/f1")));
	show("rmdir missing", rmdir(P("/tmp/d/nothing")));
	show("unlink missing", unlink(P("/tmp/d/nothing")));
	show("rename f1 g1", rename(P("/tmp/d/f1"), P("/tmp/d/g1")));
	show("rename missing", rename(P("/tmp/d/f1"), P("/tmp/d/h")));
	show("rename file over dir", rename(P("/tmp/d/g1"), P("/tmp/d/sub")));
	show("rename dir over file", rename(P("/tmp/d/sub"), P("/tmp/d/g1")));
	show("rename dir into itself", rename(P("/tmp/d"), P("/tmp/d/sub/d")));
	show("rename file over file", rename(P("/tmp/d/f2"), P("/tmp/d/g1")));
	show("rename dir", rename(P("/tmp/d/sub"), P("/tmp/d/sub2")));
	listing("listing tmp/d", P("/tmp/d"));
	int dfd = open(P("/tmp/d"), O_RDONLY | O_DIRECTORY);
	show("openat in a directory fd", close(openat(dfd, "g1", O_RDONLY)));
	show("openat missing", openat(dfd, "nothing", O_RDONLY));
	show("openat on a file fd", openat(open(P("/rom/hello.txt"), O_RDONLY), "x", O_RDONLY));
	show("getdents64 buffer too small", getdents64(dfd, (struct dirent *)buf, 10));
	close(dfd);

	show("chdir tmp/d", chdir(P("/tmp/d")));
	char *cwd = getcwd(buf, sizeof buf);
	yes("getcwd ends with /tmp/d", cwd && strlen(cwd) >= 6 && !strcmp(cwd + strlen(cwd) - 6, "/tmp/d"));
	show("getcwd buffer too small", getcwd(buf, 2) ? 0 : -1);
	show("relative open g1", close(open("g1", O_RDONLY)));
	show("chdir ..", chdir(".."));
	show("relative stat d/g1", stat("d/g1", &st));
	show("chdir .. again", chdir(".."));
	show("chdir a file", chdir(P("/rom/hello.txt")));
	show("chdir missing", chdir(P("/tmp/nothing")));
	show("unlink g1", unlink(P("/tmp/d/g1")));
	show("rmdir sub2", rmdir(P("/tmp/d/sub2")));
	show("rmdir d", rmdir(P("/tmp/d")));
	show("stat removed", stat(P("/tmp/d"), &st));
	show("unlink tmp/a", unlink(P("/tmp/a")));
	listing("listing tmp", P("/tmp"));
}

static void dev_checks(void)
{
	char buf[10];
	struct stat st;
	int fd = open(P("/dev/null"), O_RDWR);
	show("open /dev/null", fd);
	show("write /dev/null", write(fd, "hello", 5));
	show("read /dev/null", read(fd, buf, sizeof buf));
	show("lseek /dev/null", lseek(fd, 100, SEEK_SET));
	show("fstat /dev/null", fstat(fd, &st));
	yes("S_ISCHR", S_ISCHR(st.st_mode));
	show("ioctl TIOCGWINSZ /dev/null", ioctl(fd, TIOCGWINSZ, buf));
	close(fd);
}

int main(int argc, char **argv)
{
	set_root(argc, argv);
	rom_checks();
	tmp_checks();
	dir_checks();
	dev_checks();
	printf("done\n");
	return 0;
}
