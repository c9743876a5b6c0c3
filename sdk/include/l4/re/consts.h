/* L4Re constants every program may use. */
#ifndef L4_RE_CONSTS_H
#define L4_RE_CONSTS_H

#include <l4/sys/consts.h>

#define L4RE_THIS_TASK_CAP     L4_BASE_TASK_CAP
#define L4RE_MAIN_THREAD_PRIO  2

#endif
