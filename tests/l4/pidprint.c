/* Prints its process, parent and thread ids (tests/ned/pids.lua starts it twice). */
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(void) { printf("pid %d ppid %d tid %ld\n", getpid(), getppid(), syscall(SYS_gettid)); return 0; }
