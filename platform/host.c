/* Host mechanisms shared by all platforms (see host.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "platform.h"
#include "host.h"
#include "seccomp/layout.h"

int host_phys_fd = -1;
uint8_t *host_phys_base;

int host_phys_init(size_t phys_size)
{
	host_phys_fd = memfd_create("umol4-phys", MFD_CLOEXEC);
	if (host_phys_fd < 0 || ftruncate(host_phys_fd, phys_size) < 0) {
		fprintf(stderr, "umol4: cannot create physical memory of %zu bytes: %s\n", phys_size, strerror(errno));
		return 71;
	}
	host_phys_base = mmap(NULL, phys_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, host_phys_fd, 0);
	if (host_phys_base == MAP_FAILED) {
		fprintf(stderr, "umol4: cannot map physical memory: %s\n", strerror(errno));
		return 71;
	}
	return 0;
}

int host_stub_open(const char *self_path, const char *env_var, const char *name)
{
	char path[4096];
	const char *env = getenv(env_var);
	if (env)
		snprintf(path, sizeof path, "%s", env);
	else {
		snprintf(path, sizeof path, "%s", self_path);
		char *slash = strrchr(path, '/');
		snprintf(slash ? slash + 1 : path, sizeof path - (slash ? (size_t)(slash + 1 - path) : 0), "%s", name);
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fprintf(stderr, "umol4: cannot open the task stub %s: %s\n", path, strerror(errno));
	return fd;
}

int host_ku_create(int *fd, uint8_t **view)
{
	*view = NULL;
	*fd = memfd_create("umol4-ku", MFD_CLOEXEC);
	if (*fd < 0)
		return -errno;
	if (ftruncate(*fd, STUB_KU_SIZE) < 0)
		goto fail;
	*view = mmap(NULL, STUB_KU_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, *fd, 0);
	if (*view != MAP_FAILED)
		return 0;
	*view = NULL;
fail:;
	int err = -errno;
	close(*fd);
	*fd = -1;
	return err;
}

void host_ku_destroy(int fd, uint8_t *view)
{
	if (view)
		munmap(view, STUB_KU_SIZE);
	if (fd >= 0)
		close(fd);
}

int host_ku_alloc(uint64_t *next, uint8_t *view, size_t len, uint64_t *off, void **kview)
{
	len = (len + 0xfff) & ~0xfffUL;
	if (*next + len > STUB_KU_SIZE || *next + len < *next)
		return -ENOMEM;
	*off = *next;
	*kview = view + *next;
	*next += len;
	return 0;
}

/* Runs in the child between fork and exec: only system calls. */
void host_exec_stub(int stub_fd, int ku_fd, int extra_fd, int extra_at, bool traced)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(127);
	/* Keyboard signals belong to the kernel process, not to its tasks. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(host_phys_fd, STUB_PHYS_FD) < 0 || dup2(ku_fd, STUB_KU_FD) < 0 ||
	    (extra_fd >= 0 && dup2(extra_fd, extra_at) < 0) || dup2(stub_fd, 6) < 0)
		_exit(127);
	/* Nothing else crosses into the task: not even stdin/stdout/stderr,
	 * and the stub file itself closes on exec. */
	syscall(SYS_close_range, 7, ~0U, 0);
	syscall(SYS_close_range, 0, 2, 0);
	fcntl(6, F_SETFD, FD_CLOEXEC);
	if (traced && ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
		_exit(126);
	char *argv[] = { "umol4-task", NULL }, *envp[] = { NULL };
	syscall(SYS_execveat, 6, "", argv, envp, AT_EMPTY_PATH);
	_exit(127);
}

int host_linux_prot(unsigned prot)
{
	return (prot & PLAT_R ? PROT_READ : 0) | (prot & PLAT_W ? PROT_WRITE : 0) | (prot & PLAT_X ? PROT_EXEC : 0);
}

bool host_range_ok(uintptr_t va, size_t len, uint64_t off)
{
	return va + len <= UMOL4_USER_END && va + len >= va && !((va | len | off) & 0xfff);
}

void host_thread_set_name(int pid, int tid, const char *name)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task/%d/comm", pid, tid);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t r = write(fd, name, strnlen(name, 15));
		(void)r;
		close(fd);
	}
}
