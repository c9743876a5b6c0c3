/* l4util_create_thread: the usual create / control / ex_regs / run
 * sequence in one call. */
#include <l4/sys/factory.h>
#include <l4/sys/thread.h>
#include <l4/util/thread.h>

long l4util_create_thread(l4_cap_idx_t id, l4_utcb_t *thread_utcb, l4_cap_idx_t factory, l4_umword_t pc,
                          l4_umword_t sp, l4_cap_idx_t pager, l4_cap_idx_t task, l4_cap_idx_t scheduler,
                          l4_sched_param_t scp)
{
	long e = l4_error(l4_factory_create_thread(factory, id));
	if (e)
		return e;
	l4_thread_control_start();
	l4_thread_control_pager(pager);
	l4_thread_control_bind(thread_utcb, task);
	if ((e = l4_error(l4_thread_control_commit(id))))
		return e;
	if ((e = l4_error(l4_thread_ex_regs(id, pc, sp, 0))))
		return e;
	if (l4_is_valid_cap(scheduler))
		return l4_error(l4_scheduler_run_thread(scheduler, id, &scp));
	return 0;
}
