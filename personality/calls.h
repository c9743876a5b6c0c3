/* Every system call the personality serves: CALL(number name, handler).
 * dispatch.c builds its table from this list; each handler lives in
 * sys/ with the calls of its family. */
/* sys/file.c */
CALL(open, sys_open)             CALL(openat, sys_openat)         CALL(creat, sys_creat)
CALL(close, sys_close)           CALL(read, sys_read)             CALL(write, sys_write)
CALL(pread64, sys_pread64)       CALL(pwrite64, sys_pwrite64)     CALL(readv, sys_readv)
CALL(writev, sys_writev)         CALL(lseek, sys_lseek)           CALL(ftruncate, sys_ftruncate)
CALL(truncate, sys_truncate)     CALL(fsync, sys_fsync)           CALL(fdatasync, sys_fsync)
/* sys/fd.c */
CALL(dup, sys_dup)               CALL(dup2, sys_dup2)             CALL(dup3, sys_dup3)
CALL(fcntl, sys_fcntl)           CALL(ioctl, sys_ioctl)
/* sys/stat.c */
CALL(fstat, sys_fstat)           CALL(stat, sys_stat)             CALL(lstat, sys_lstat)
CALL(newfstatat, sys_newfstatat) CALL(access, sys_access)         CALL(faccessat, sys_faccessat)
CALL(faccessat2, sys_faccessat)
/* sys/dir.c */
CALL(getdents64, sys_getdents64) CALL(getdents, sys_getdents)     CALL(mkdir, sys_mkdir)
CALL(mkdirat, sys_mkdirat)       CALL(rmdir, sys_rmdir)           CALL(unlink, sys_unlink)
CALL(unlinkat, sys_unlinkat)     CALL(rename, sys_rename)         CALL(renameat, sys_renameat)
CALL(renameat2, sys_renameat2)   CALL(getcwd, sys_getcwd)         CALL(chdir, sys_chdir)
CALL(fchdir, sys_fchdir)
/* sys/time.c */
CALL(clock_gettime, sys_clock_gettime) CALL(clock_getres, sys_clock_getres)
CALL(gettimeofday, sys_gettimeofday)   CALL(time, sys_time)
CALL(nanosleep, sys_nanosleep)         CALL(clock_nanosleep, sys_clock_nanosleep)
/* sys/process.c */
CALL(getpid, sys_getpid)         CALL(getppid, sys_getppid)       CALL(uname, sys_uname)
CALL(getrandom, sys_getrandom)
CALL(getuid, sys_getid)          CALL(geteuid, sys_getid)         CALL(getgid, sys_getid)
CALL(getegid, sys_getid)         CALL(exit, sys_exit)             CALL(exit_group, sys_exit)
CALL(arch_prctl, sys_arch_prctl) CALL(rt_sigprocmask, sys_ignored) CALL(rt_sigaction, sys_ignored)
/* sys/thread.c (clone and exit of a thread: posix_thread_call) */
CALL(gettid, sys_gettid)         CALL(set_tid_address, sys_set_tid_address)
CALL(futex, sys_futex)           CALL(sched_yield, sys_sched_yield)
/* sys/memory.c */
CALL(mmap, sys_mmap)             CALL(munmap, sys_munmap)         CALL(brk, sys_brk)
CALL(mprotect, sys_ignored)      CALL(madvise, sys_ignored)
