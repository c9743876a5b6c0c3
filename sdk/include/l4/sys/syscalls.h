/* Convenience header of older L4 code: the whole system-call API at once. */
#ifndef L4_SYS_SYSCALLS_H
#define L4_SYS_SYSCALLS_H

#include <l4/sys/ipc.h>
#include <l4/sys/task.h>
#include <l4/sys/thread.h>
#include <l4/sys/factory.h>
#include <l4/sys/irq.h>
#include <l4/sys/scheduler.h>
#include <l4/sys/kip.h>

#endif
