/* What every platform does the same way on the host: physical memory and
 * kernel-user memory as memfds, finding and starting a stub binary in a
 * fresh child process, and small Linux helpers.  Used by seccomp/ and
 * ptrace/; nothing here knows which platform runs. */
#ifndef UMOL4_PLATFORM_HOST_H
#define UMOL4_PLATFORM_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern int host_phys_fd;
extern uint8_t *host_phys_base;

/* Create and map physical memory.  0, or print one line and return 71. */
int host_phys_init(size_t phys_size);
/* Open the stub binary `name` next to the umol4 binary (or $env_var).
 * Returns the fd, or prints one line and returns -1. */
int host_stub_open(const char *self_path, const char *env_var, const char *name);
/* A task's kernel-user memory: a sparse memfd mapped in the kernel. */
int host_ku_create(int *fd, uint8_t **view);
void host_ku_destroy(int fd, uint8_t *view);
/* Carve len bytes (page rounded) for UTCBs from the bump pointer *next. */
int host_ku_alloc(uint64_t *next, uint8_t *view, size_t len, uint64_t *off, void **kview);
/* In the child after fork: become the stub with physical memory, the
 * task's kernel-user memory and (if >= 0) extra_fd as its only files.
 * traced: ask to be traced by the parent (the forking thread) first. */
void host_exec_stub(int stub_fd, int ku_fd, int extra_fd, int extra_at, bool traced)
	__attribute__((noreturn));
int host_linux_prot(unsigned prot);
bool host_range_ok(uintptr_t va, size_t len, uint64_t off);
void host_thread_set_name(int pid, int tid, const char *name);

#endif
