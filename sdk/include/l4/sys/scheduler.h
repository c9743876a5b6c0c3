/* The scheduler object: start threads with priority and CPU set, query CPUs and idle time. */
#ifndef L4_SYS_SCHEDULER_H
#define L4_SYS_SCHEDULER_H

#include <l4/sys/types.h>
#include <l4/sys/utcb.h>
#include <l4/sys/ipc.h>
#include <l4/sys/kernel_object.h>

enum L4_scheduler_classes
{
  L4_SCHEDULER_CLASS_FIXED_PRIO = 1 << 1,
  L4_SCHEDULER_CLASS_WFQ        = 1 << 2,
};

/* MR0 opcodes of L4_PROTO_SCHEDULER. */
enum L4_scheduler_ops
{
  L4_SCHEDULER_INFO_OP       = 0,
  L4_SCHEDULER_RUN_THREAD_OP = 1,
  L4_SCHEDULER_IDLE_TIME_OP  = 2,
};

/* A set of CPUs: bit i of map stands for CPUs offset + (i << granularity).
 * gran_offset = granularity << 24 | offset. */
typedef struct l4_sched_cpu_set_t
{
  l4_umword_t gran_offset;
  l4_umword_t map;
} l4_sched_cpu_set_t;

typedef struct l4_sched_param_t
{
  l4_sched_cpu_set_t affinity;
  l4_umword_t        prio;
  l4_umword_t        quantum;   /* microseconds, 0 = default */
} l4_sched_param_t;

L4_INLINE l4_sched_cpu_set_t
l4_sched_cpu_set(l4_umword_t offset, unsigned char granularity,
                 l4_umword_t map L4_DEFAULT_PARAM(1)) L4_NOTHROW
{
  l4_sched_cpu_set_t cs;
  cs.gran_offset = ((l4_umword_t)granularity << 24) | offset;
  cs.map = map;
  return cs;
}

/* Granularity 255 with bit 0 set covers every CPU there is. */
L4_INLINE l4_sched_param_t
l4_sched_param(unsigned prio, l4_umword_t quantum L4_DEFAULT_PARAM(0)) L4_NOTHROW
{
  l4_sched_param_t sp;
  sp.prio = prio;
  sp.quantum = quantum;
  sp.affinity = l4_sched_cpu_set(0, 0xff, 1);
  return sp;
}

/* MR1 asks about CPUs from cpus->gran_offset on; reply MR0 = online map,
 * MR1 = highest possible CPU count, MR2 = supported classes. */
L4_INLINE l4_msgtag_t
l4_scheduler_info_u(l4_cap_idx_t scheduler, l4_umword_t *cpu_max, l4_sched_cpu_set_t *cpus,
                    l4_umword_t *sched_classes, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *m = l4_utcb_mr_u(utcb);
  l4_msgtag_t res;
  m->mr[0] = L4_SCHEDULER_INFO_OP;
  m->mr[1] = cpus->gran_offset;
  res = l4_ipc_call(scheduler, utcb, l4_msgtag(L4_PROTO_SCHEDULER, 2, 0, 0), L4_IPC_NEVER);
  if (l4_msgtag_has_error(res))
    return res;
  cpus->map = m->mr[0];
  if (cpu_max)
    *cpu_max = m->mr[1];
  if (sched_classes)
    *sched_classes = m->mr[2];
  return res;
}

L4_INLINE l4_msgtag_t
l4_scheduler_info(l4_cap_idx_t scheduler, l4_umword_t *cpu_max, l4_sched_cpu_set_t *cpus) L4_NOTHROW
{ return l4_scheduler_info_u(scheduler, cpu_max, cpus, 0, l4_utcb()); }

L4_INLINE l4_msgtag_t
l4_scheduler_info_with_classes(l4_cap_idx_t scheduler, l4_umword_t *cpu_max,
                               l4_sched_cpu_set_t *cpus, l4_umword_t *sched_classes) L4_NOTHROW
{ return l4_scheduler_info_u(scheduler, cpu_max, cpus, sched_classes, l4_utcb()); }

/* MR1-MR4 the parameters, the thread as map item MR5/MR6. */
L4_INLINE l4_msgtag_t
l4_scheduler_run_thread_u(l4_cap_idx_t scheduler, l4_cap_idx_t thread,
                          l4_sched_param_t const *sp, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *m = l4_utcb_mr_u(utcb);
  m->mr[0] = L4_SCHEDULER_RUN_THREAD_OP;
  m->mr[1] = sp->affinity.gran_offset;
  m->mr[2] = sp->affinity.map;
  m->mr[3] = sp->prio;
  m->mr[4] = sp->quantum;
  m->mr[5] = l4_map_obj_control(0, 0);
  m->mr[6] = l4_obj_fpage(thread, 0, L4_CAP_FPAGE_RWS).raw;
  return l4_ipc_call(scheduler, utcb, l4_msgtag(L4_PROTO_SCHEDULER, 5, 1, 0), L4_IPC_NEVER);
}

L4_INLINE l4_msgtag_t
l4_scheduler_run_thread(l4_cap_idx_t scheduler, l4_cap_idx_t thread,
                        l4_sched_param_t const *sp) L4_NOTHROW
{ return l4_scheduler_run_thread_u(scheduler, thread, sp, l4_utcb()); }

/* Reply MR0: idle time of the CPU set in microseconds. */
L4_INLINE l4_msgtag_t
l4_scheduler_idle_time_u(l4_cap_idx_t scheduler, l4_sched_cpu_set_t const *cpus,
                         l4_kernel_clock_t *us, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *m = l4_utcb_mr_u(utcb);
  l4_msgtag_t res;
  m->mr[0] = L4_SCHEDULER_IDLE_TIME_OP;
  m->mr[1] = cpus->gran_offset;
  m->mr[2] = cpus->map;
  res = l4_ipc_call(scheduler, utcb, l4_msgtag(L4_PROTO_SCHEDULER, 3, 0, 0), L4_IPC_NEVER);
  if (!l4_msgtag_has_error(res))
    *us = m->mr64[l4_utcb_mr64_idx(0)];
  return res;
}

L4_INLINE l4_msgtag_t
l4_scheduler_idle_time(l4_cap_idx_t scheduler, l4_sched_cpu_set_t const *cpus,
                       l4_kernel_clock_t *us) L4_NOTHROW
{ return l4_scheduler_idle_time_u(scheduler, cpus, us, l4_utcb()); }

/* An info request starting at cpu, granularity 0: bit 0 of the map. */
L4_INLINE int
l4_scheduler_is_online_u(l4_cap_idx_t scheduler, l4_umword_t cpu, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_sched_cpu_set_t s;
  l4_msgtag_t r;
  s.gran_offset = cpu;
  s.map = 0;
  r = l4_scheduler_info_u(scheduler, 0, &s, 0, utcb);
  if (l4_msgtag_has_error(r) || l4_msgtag_label(r) < 0)
    return 0;
  return (int)(s.map & 1);
}

L4_INLINE int l4_scheduler_is_online(l4_cap_idx_t scheduler, l4_umword_t cpu) L4_NOTHROW
{ return l4_scheduler_is_online_u(scheduler, cpu, l4_utcb()); }

#endif
