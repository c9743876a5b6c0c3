/* Compile-only check of the SDK headers: includes every public one (a header that stops compiling
 * breaks the build), and uses each function of the l4/sys and l4/util headers. */
#include <l4/sys/compiler.h>
#include <l4/sys/l4int.h>
#include <l4/sys/consts.h>
#include <l4/sys/types.h>
#include <l4/sys/__l4_fpage.h>
#include <l4/sys/__timeout.h>
#include <l4/sys/err.h>
#include <l4/sys/utcb.h>
#include <l4/sys/ipc.h>
#include <l4/sys/kernel_object.h>
#include <l4/sys/task.h>
#include <l4/sys/thread.h>
#include <l4/sys/factory.h>
#include <l4/sys/rcv_endpoint.h>
#include <l4/sys/ipc_gate.h>
#include <l4/sys/irq.h>
#include <l4/sys/semaphore.h>
#include <l4/sys/icu.h>
#include <l4/sys/scheduler.h>
#include <l4/sys/vcon.h>
#include <l4/sys/kdebug.h>
#include <l4/sys/debugger.h>
#include <l4/sys/kip.h>
#include <l4/sys/memdesc.h>
#include <l4/sys/syscalls.h>
#include <l4/util/util.h>
#include <l4/util/atomic.h>
#include <l4/util/bitops.h>
#include <l4/util/rdtsc.h>
#include <l4/util/kip.h>
#include <l4/re/c/dataspace.h>
#include <l4/re/c/log.h>
#include <l4/re/c/mem_alloc.h>
#include <l4/re/c/namespace.h>
#include <l4/re/c/parent.h>
#include <l4/re/c/rm.h>
#include <l4/re/c/util/cap_alloc.h>
#include <l4/re/c/util/kumem_alloc.h>
#include <l4/re/consts.h>
#include <l4/re/env.h>
#include <l4/re/protocols.h>
#include <l4/shmc/ringbuf.h>
#include <l4/shmc/shmc.h>
#include <l4/shmc/types.h>
#include <l4/sigma0/sigma0.h>
#include <l4/umol4/bootinfo.h>
#include <l4/umol4/debug.h>
#include <l4/umol4/launch.h>
#include <l4/umol4/moe.h>
#include <l4/util/thread.h>

/* Taking each function's address makes the compiler instantiate (and so
 * type-check) every static inline definition, not only the ones that a
 * test happens to call. void (*)(void) is the one function-pointer type
 * every other may be cast to without a -Wcast-function-type warning. */
typedef void (*any_fn)(void);
static any_fn volatile sink;
#define USE(f) (sink = (any_fn)(f))

void compile_all_use(void);
int compile_all_exercise(l4_cap_idx_t gate, l4_cap_idx_t thread);

void compile_all_use(void)
{
  /* <l4/sys/compiler.h> */
  USE(l4_barrier); USE(l4_mb); USE(l4_wmb);
  /* <l4/sys/consts.h> */
  USE(l4_bytes_to_mwords); USE(l4_round_page); USE(l4_round_size); USE(l4_trunc_page);
  USE(l4_trunc_size);
  /* <l4/sys/types.h> */
  USE(l4_capability_equal); USE(l4_capability_next); USE(l4_is_invalid_cap);
  USE(l4_is_valid_cap); USE(l4_msgtag); USE(l4_msgtag_flags); USE(l4_msgtag_has_error);
  USE(l4_msgtag_is_exception); USE(l4_msgtag_is_io_page_fault);
  USE(l4_msgtag_is_page_fault); USE(l4_msgtag_is_preemption); USE(l4_msgtag_is_sigma0);
  USE(l4_msgtag_is_sys_exception); USE(l4_msgtag_items); USE(l4_msgtag_label);
  USE(l4_msgtag_words);
  /* <l4/sys/__l4_fpage.h> */
  USE(l4_fpage); USE(l4_fpage_all); USE(l4_fpage_contains); USE(l4_fpage_invalid);
  USE(l4_fpage_ioport); USE(l4_fpage_max_order); USE(l4_fpage_memaddr);
  USE(l4_fpage_obj); USE(l4_fpage_page); USE(l4_fpage_rights);
  USE(l4_fpage_set_rights); USE(l4_fpage_size); USE(l4_fpage_type); USE(l4_iofpage);
  USE(l4_is_fpage_writable); USE(l4_map_control); USE(l4_map_obj_control);
  USE(l4_obj_fpage);
  /* <l4/sys/__timeout.h> */
  USE(l4_ipc_timeout); USE(l4_rcv_timeout); USE(l4_snd_timeout); USE(l4_timeout);
  USE(l4_timeout_from_us); USE(l4_timeout_get); USE(l4_timeout_is_absolute);
  USE(l4_timeout_rel); USE(l4_timeout_rel_get);
  /* <l4/sys/utcb.h> */
  USE(l4_bdr); USE(l4_timeout_abs); USE(l4_timeout_abs_u); USE(l4_utcb);
  USE(l4_utcb_br); USE(l4_utcb_br_u); USE(l4_utcb_direct); USE(l4_utcb_exc);
  USE(l4_utcb_exc_is_ex_regs_exception); USE(l4_utcb_exc_is_pf); USE(l4_utcb_exc_pc);
  USE(l4_utcb_exc_pc_set); USE(l4_utcb_exc_pfa); USE(l4_utcb_exc_typeval);
  USE(l4_utcb_exc_u); USE(l4_utcb_inherit_fpu); USE(l4_utcb_inherit_fpu_u);
  USE(l4_utcb_mr); USE(l4_utcb_mr64_idx); USE(l4_utcb_mr_u); USE(l4_utcb_tcr);
  USE(l4_utcb_tcr_u);
  /* <l4/sys/ipc.h> */
  USE(l4_error); USE(l4_error_u); USE(l4_ipc); USE(l4_ipc_call); USE(l4_ipc_error);
  USE(l4_ipc_error_code); USE(l4_ipc_is_rcv_error); USE(l4_ipc_is_snd_error);
  USE(l4_ipc_receive); USE(l4_ipc_reply_and_wait); USE(l4_ipc_send);
  USE(l4_ipc_send_and_wait); USE(l4_ipc_sleep); USE(l4_ipc_sleep_ms);
  USE(l4_ipc_sleep_us); USE(l4_ipc_to_errno); USE(l4_ipc_wait); USE(l4_sndfpage_add);
  USE(l4_sndfpage_add_u);
  /* <l4/sys/kernel_object.h> */
  USE(l4_invoke_debugger); USE(l4_kobject_dec_refcnt); USE(l4_kobject_dec_refcnt_u);
  /* <l4/sys/task.h> */
  USE(l4_task_add_ku_mem); USE(l4_task_add_ku_mem_u); USE(l4_task_cap_equal);
  USE(l4_task_cap_equal_u); USE(l4_task_cap_valid); USE(l4_task_cap_valid_u);
  USE(l4_task_delete_obj); USE(l4_task_delete_obj_u); USE(l4_task_map);
  USE(l4_task_map_u); USE(l4_task_release_cap); USE(l4_task_release_cap_u);
  USE(l4_task_unmap); USE(l4_task_unmap_batch); USE(l4_task_unmap_batch_u);
  USE(l4_task_unmap_u);
  /* <l4/sys/thread.h> */
  USE(l4_thread_control_alien); USE(l4_thread_control_alien_u);
  USE(l4_thread_control_bind); USE(l4_thread_control_bind_u);
  USE(l4_thread_control_commit); USE(l4_thread_control_commit_u);
  USE(l4_thread_control_exc_handler); USE(l4_thread_control_exc_handler_u);
  USE(l4_thread_control_pager); USE(l4_thread_control_pager_u);
  USE(l4_thread_control_start); USE(l4_thread_control_start_u); USE(l4_thread_ex_regs);
  USE(l4_thread_ex_regs_ret); USE(l4_thread_ex_regs_ret_u); USE(l4_thread_ex_regs_u);
  USE(l4_thread_modify_sender_add); USE(l4_thread_modify_sender_add_u);
  USE(l4_thread_modify_sender_commit); USE(l4_thread_modify_sender_commit_u);
  USE(l4_thread_modify_sender_start); USE(l4_thread_modify_sender_start_u);
  USE(l4_thread_register_del_irq); USE(l4_thread_register_del_irq_u);
  USE(l4_thread_register_doorbell_irq); USE(l4_thread_register_doorbell_irq_u);
  USE(l4_thread_stats_time); USE(l4_thread_stats_time_u); USE(l4_thread_switch);
  USE(l4_thread_switch_u); USE(l4_thread_vcpu_control);
  USE(l4_thread_vcpu_control_ext); USE(l4_thread_vcpu_control_ext_u);
  USE(l4_thread_vcpu_control_u); USE(l4_thread_vcpu_resume_commit);
  USE(l4_thread_vcpu_resume_commit_u); USE(l4_thread_vcpu_resume_start);
  USE(l4_thread_vcpu_resume_start_u); USE(l4_thread_yield);
  /* <l4/sys/factory.h> */
  USE(l4_factory_create); USE(l4_factory_create_add_fpage_u);
  USE(l4_factory_create_add_int_u); USE(l4_factory_create_add_lstr_u);
  USE(l4_factory_create_add_nil_u); USE(l4_factory_create_add_str_u);
  USE(l4_factory_create_add_uint_u); USE(l4_factory_create_commit_u);
  USE(l4_factory_create_factory); USE(l4_factory_create_factory_u);
  USE(l4_factory_create_gate); USE(l4_factory_create_gate_u);
  USE(l4_factory_create_irq); USE(l4_factory_create_irq_u);
  USE(l4_factory_create_start_u); USE(l4_factory_create_task);
  USE(l4_factory_create_task_u); USE(l4_factory_create_thread);
  USE(l4_factory_create_thread_u); USE(l4_factory_create_u); USE(l4_factory_create_vm);
  USE(l4_factory_create_vm_u);
  /* <l4/sys/rcv_endpoint.h> */
  USE(l4_rcv_ep_bind_thread); USE(l4_rcv_ep_bind_thread_u);
  /* <l4/sys/ipc_gate.h> */
  USE(l4_ipc_gate_bind_thread); USE(l4_ipc_gate_bind_thread_u);
  USE(l4_ipc_gate_get_infos); USE(l4_ipc_gate_get_infos_u);
  /* <l4/sys/irq.h> */
  USE(l4_irq_attach); USE(l4_irq_attach_u); USE(l4_irq_detach); USE(l4_irq_detach_u);
  USE(l4_irq_receive); USE(l4_irq_receive_u); USE(l4_irq_trigger);
  USE(l4_irq_trigger_u); USE(l4_irq_unmask); USE(l4_irq_unmask_u); USE(l4_irq_wait);
  USE(l4_irq_wait_u);
  /* <l4/sys/semaphore.h> */
  USE(l4_semaphore_down); USE(l4_semaphore_down_u); USE(l4_semaphore_up);
  USE(l4_semaphore_up_u);
  /* <l4/sys/icu.h> */
  USE(l4_icu_bind); USE(l4_icu_bind_u); USE(l4_icu_control_u); USE(l4_icu_info);
  USE(l4_icu_info_u); USE(l4_icu_mask); USE(l4_icu_mask_u); USE(l4_icu_msi_info);
  USE(l4_icu_msi_info_u); USE(l4_icu_set_mode); USE(l4_icu_set_mode_u);
  USE(l4_icu_unbind); USE(l4_icu_unbind_u); USE(l4_icu_unmask); USE(l4_icu_unmask_u);
  /* <l4/sys/scheduler.h> */
  USE(l4_sched_cpu_set); USE(l4_sched_param); USE(l4_scheduler_idle_time);
  USE(l4_scheduler_idle_time_u); USE(l4_scheduler_info); USE(l4_scheduler_info_u);
  USE(l4_scheduler_info_with_classes); USE(l4_scheduler_is_online);
  USE(l4_scheduler_is_online_u); USE(l4_scheduler_run_thread);
  USE(l4_scheduler_run_thread_u);
  /* <l4/sys/vcon.h> */
  USE(l4_vcon_get_attr); USE(l4_vcon_get_attr_u); USE(l4_vcon_read);
  USE(l4_vcon_read_u); USE(l4_vcon_read_with_flags); USE(l4_vcon_read_with_flags_u);
  USE(l4_vcon_send); USE(l4_vcon_send_u); USE(l4_vcon_set_attr);
  USE(l4_vcon_set_attr_raw); USE(l4_vcon_set_attr_u); USE(l4_vcon_write);
  USE(l4_vcon_write_u);
  /* <l4/sys/kdebug.h> */
  USE(enter_kdebug); USE(l4_kd_enter); USE(l4_kd_outchar); USE(l4_kd_outdec);
  USE(l4_kd_outhex12); USE(l4_kd_outhex16); USE(l4_kd_outhex20); USE(l4_kd_outhex32);
  USE(l4_kd_outhex64); USE(l4_kd_outhex8); USE(l4_kd_outnstring); USE(l4_kd_outstring);
  USE(l4_kd_outumword); USE(outchar); USE(outdec); USE(outhex12); USE(outhex16);
  USE(outhex20); USE(outhex32); USE(outhex64); USE(outhex8); USE(outnstring);
  USE(outstring); USE(outumword);
  /* <l4/sys/debugger.h> */
  USE(l4_debugger_get_object_name); USE(l4_debugger_get_object_name_u);
  USE(l4_debugger_global_id); USE(l4_debugger_global_id_u);
  USE(l4_debugger_kobj_to_id); USE(l4_debugger_kobj_to_id_u);
  USE(l4_debugger_query_log_name); USE(l4_debugger_query_log_name_u);
  USE(l4_debugger_query_log_typeid); USE(l4_debugger_query_log_typeid_u);
  USE(l4_debugger_set_object_name); USE(l4_debugger_set_object_name_u);
  USE(l4_debugger_switch_log); USE(l4_debugger_switch_log_u);
  /* <l4/sys/kip.h> */
  USE(l4_kernel_info_version_offset); USE(l4_kip); USE(l4_kip_clock);
  USE(l4_kip_clock_lw); USE(l4_kip_clock_ns); USE(l4_kip_kernel_has_feature);
  USE(l4_kip_version); USE(l4_kip_version_string);
  /* <l4/sys/memdesc.h> */
  USE(l4_kernel_info_get_mem_desc_end); USE(l4_kernel_info_get_mem_desc_is_virtual);
  USE(l4_kernel_info_get_mem_desc_start); USE(l4_kernel_info_get_mem_desc_subtype);
  USE(l4_kernel_info_get_mem_desc_type); USE(l4_kernel_info_get_mem_descs);
  USE(l4_kernel_info_get_num_mem_descs); USE(l4_kernel_info_set_mem_desc);
  /* <l4/util/util.h> */
  USE(l4_sleep); USE(l4_sleep_forever); USE(l4_touch_ro); USE(l4_touch_rw);
  USE(l4_usleep);
  /* <l4/util/atomic.h> */
  USE(l4util_add16); USE(l4util_add16_res); USE(l4util_add32); USE(l4util_add32_res);
  USE(l4util_add8); USE(l4util_add8_res); USE(l4util_and16); USE(l4util_and16_res);
  USE(l4util_and32); USE(l4util_and32_res); USE(l4util_and8); USE(l4util_and8_res);
  USE(l4util_atomic_add); USE(l4util_atomic_inc); USE(l4util_cmpxchg);
  USE(l4util_cmpxchg16); USE(l4util_cmpxchg32); USE(l4util_cmpxchg64);
  USE(l4util_cmpxchg8); USE(l4util_dec16); USE(l4util_dec16_res); USE(l4util_dec32);
  USE(l4util_dec32_res); USE(l4util_dec8); USE(l4util_dec8_res); USE(l4util_dec_res);
  USE(l4util_inc16); USE(l4util_inc16_res); USE(l4util_inc32); USE(l4util_inc32_res);
  USE(l4util_inc8); USE(l4util_inc8_res); USE(l4util_micros2l4to); USE(l4util_or16);
  USE(l4util_or16_res); USE(l4util_or32); USE(l4util_or32_res); USE(l4util_or8);
  USE(l4util_or8_res); USE(l4util_sub16); USE(l4util_sub16_res); USE(l4util_sub32);
  USE(l4util_sub32_res); USE(l4util_sub8); USE(l4util_sub8_res); USE(l4util_xchg);
  USE(l4util_xchg16); USE(l4util_xchg32); USE(l4util_xchg8);
  /* <l4/util/bitops.h> */
  USE(l4util_bsf); USE(l4util_bsr); USE(l4util_btc); USE(l4util_btr); USE(l4util_bts);
  USE(l4util_clear_bit); USE(l4util_complement_bit); USE(l4util_find_first_set_bit);
  USE(l4util_find_first_zero_bit); USE(l4util_next_power2); USE(l4util_set_bit);
  USE(l4util_test_bit);
  /* <l4/util/rdtsc.h> */
  USE(l4_busy_wait_ns); USE(l4_busy_wait_us); USE(l4_calibrate_tsc); USE(l4_ns_to_tsc);
  USE(l4_rdpmc); USE(l4_rdpmc_32); USE(l4_rdtsc); USE(l4_rdtsc_32); USE(l4_tsc_to_ns);
  USE(l4_tsc_to_s_and_ns); USE(l4_tsc_to_us);
  /* <l4/util/kip.h> */
  USE(l4util_kip_kernel_abi_version); USE(l4util_kip_kernel_has_feature);
  /* out of line, in libl4sys / libl4util */
  USE(l4sys_errtostr); USE(l4_utcb_wrap); USE(l4_tsc_init); USE(l4_get_hz);
}

/* Calls in the way L4Re programs write them, so that argument and return
 * types (and the macros) are checked too, not only the definitions. */
int compile_all_exercise(l4_cap_idx_t gate, l4_cap_idx_t thread)
{
  l4_utcb_t *u = l4_utcb();
  l4_msg_regs_t *mr = l4_utcb_mr();
  l4_buf_regs_t *br = l4_utcb_br_u(u);
  l4_umword_t label = 0;
  l4_msgtag_t tag;
  l4_timeout_t never = L4_IPC_NEVER, both0 = L4_IPC_BOTH_TIMEOUT_0;
  l4_timeout_t t = l4_timeout(L4_IPC_TIMEOUT_NEVER, l4_timeout_from_us(1000));
  l4_sched_param_t sp = l4_sched_param(2, 0);
  l4_kernel_info_t const *ckip = l4_kip();
  l4_kernel_info_t *kip = l4_kip();
  l4_kernel_clock_t us = 0;
  l4_addr_t ip = ~0UL, sp_addr = ~0UL;
  l4_umword_t flags = 0;
  volatile l4_uint32_t counter = 0;
  l4_umword_t bits[2] = { 0, 0 };
  char buf[16];
  long err;

  br->bdr = 0;
  br->br[0] = L4_ITEM_MAP;
  br->br[1] = l4_fpage(0x10000, L4_LOG2_PAGESIZE, L4_FPAGE_RWX).raw;
  mr->mr[0] = 42;
  tag = l4_ipc_call(gate, u, l4_msgtag(0, 1, 0, 0), never);
  if (l4_ipc_error(tag, u) || l4_msgtag_has_error(tag))
    return (int)l4_ipc_error_code(u);
  tag = l4_ipc_wait(u, &label, never);
  tag = l4_ipc_reply_and_wait(u, l4_msgtag(-L4_ENOSYS, 0, 0, 0), &label, both0);
  l4_sndfpage_add(l4_obj_fpage(thread, 0, L4_CAP_FPAGE_RWS), l4_map_obj_control(0, 0), &tag);
  err = l4_error(tag);

  l4_thread_control_start();
  l4_thread_control_pager(L4_BASE_PAGER_CAP);
  l4_thread_control_exc_handler(L4_BASE_PAGER_CAP);
  l4_thread_control_bind((l4_utcb_t *)0x1000, L4_BASE_TASK_CAP);
  l4_thread_control_alien(0);
  err += l4_error(l4_thread_control_commit(thread));
  err += l4_error(l4_thread_ex_regs(thread, 0x2000, 0x3000, 0));
  err += l4_error(l4_thread_ex_regs_ret(thread, &ip, &sp_addr, &flags));
  err += l4_error(l4_scheduler_run_thread(L4_BASE_SCHEDULER_CAP, thread, &sp));
  err += l4_error(l4_factory_create_thread(L4_BASE_FACTORY_CAP, thread));
  err += l4_error(l4_factory_create_gate(L4_BASE_FACTORY_CAP, gate, thread, 0x10));
  err += l4_error(l4_factory_create_task(L4_BASE_FACTORY_CAP, gate,
                                         l4_fpage(0x80000000UL, 16, L4_FPAGE_RW)));
  err += l4_error(l4_factory_create(L4_BASE_FACTORY_CAP, L4_PROTO_SEMAPHORE, gate));
  err += l4_error(l4_rcv_ep_bind_thread(gate, thread, 0x20));
  err += l4_error(l4_task_unmap(L4_BASE_TASK_CAP, l4_obj_fpage(gate, 0, L4_FPAGE_RWX),
                                L4_FP_ALL_SPACES));
  err += l4_error(l4_task_map(gate, L4_BASE_TASK_CAP,
                              l4_fpage(0x10000, 12, L4_FPAGE_RW), 0x10000));
  err += l4_msgtag_label(l4_task_cap_valid(L4_BASE_TASK_CAP, gate));
  err += l4_error(l4_thread_stats_time(thread, &us));
  err += (long)l4_ipc_error(l4_irq_trigger(gate), u);
  err += l4_error(l4_irq_receive(gate, t));
  err += l4_error(l4_semaphore_down(gate, never));
  err += l4_vcon_write(L4_BASE_LOG_CAP, "hello\n", 6);
  err += l4_vcon_read(L4_BASE_LOG_CAP, buf, sizeof(buf));
  err += (long)l4_debugger_global_id(gate);
  l4_debugger_set_object_name(thread, "worker");
  l4_debugger_get_object_name(L4_BASE_DEBUGGER_CAP, 1, buf, sizeof(buf));
  l4_ipc_gate_get_infos(gate, &label);

  l4_kd_outstring("x = "); l4_kd_outhex32(0x1234); l4_kd_outchar('\n');
  outstring("old names "); outhex32(1); outdec(-1); outchar('\n');
  enter_kdebug("stop");

  err += (long)l4_kip_clock(ckip) + (long)l4_kip_clock_ns(kip);
  err += l4_kip_kernel_has_feature(ckip, "multi_irq");
  err += (long)l4_kernel_info_get_num_mem_descs(kip);
  err += ckip->magic == L4_KERNEL_INFO_MAGIC;
  err += (long)l4_tsc_to_us(l4_rdtsc());

  l4util_inc32(&counter);
  err += l4util_cmpxchg32(&counter, 1, 2);
  l4util_set_bit(70, bits);
  err += l4util_test_bit(70, bits) + l4util_log2(1024);
  err += (long)sizeof(l4sys_errtostr(err));

  l4_touch_ro(buf, sizeof(buf));
  l4_sleep(10);
  l4_usleep(100);
  return (int)(err + (long)label + (long)us);
}
