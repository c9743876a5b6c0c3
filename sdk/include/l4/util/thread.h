/* l4util: create and start a thread in one call, and the function header
 * for low-level thread entry points. */
#ifndef L4_UTIL_THREAD_H
#define L4_UTIL_THREAD_H

#include <l4/sys/compiler.h>
#include <l4/sys/types.h>
#include <l4/sys/utcb.h>
#include <l4/sys/scheduler.h>

L4_BEGIN_DECLS

/* Create thread `id` with `factory`, bind it to `task` with the UTCB
 * `thread_utcb`, set its pager, start it at pc with stack pointer sp, and
 * hand it to `scheduler` with `scp` (none if scheduler is invalid).
 * Returns 0 or a negative L4 error. */
long l4util_create_thread(l4_cap_idx_t id, l4_utcb_t *thread_utcb, l4_cap_idx_t factory, l4_umword_t pc,
                          l4_umword_t sp, l4_cap_idx_t pager, l4_cap_idx_t task, l4_cap_idx_t scheduler,
                          l4_sched_param_t scp) L4_NOTHROW;

L4_END_DECLS

/* A thread started with l4_thread_ex_regs enters with whatever stack
 * pointer it was given, not as if called.  These define `name` as an
 * entry that aligns the stack the way the x86-64 ABI expects at a call
 * and runs the body that follows; the body must not return.
 *   L4UTIL_THREAD_STATIC_FUNC(worker) { ... for (;;) ...; } */
#define L4UTIL__THREAD_ENTRY(name, vis)                                       \
  static void name##_body(void) __attribute__((used));               \
  __asm__(".text\n\t.p2align 4\n\t.globl " #name "\n\t" vis "\n\t.type " #name \
          ", @function\n" #name ":\n\tand $-16, %rsp\n\tcall " #name "_body\n" \
          "\tud2\n");                                                          \
  static void name##_body(void)

#define L4UTIL_THREAD_FUNC(name) void name(void); L4UTIL__THREAD_ENTRY(name, "")
/* C cannot declare a static function that assembly defines; the "static"
 * one is a hidden global instead: invisible outside the program. */
#define L4UTIL_THREAD_STATIC_FUNC(name)                                        \
  void name(void) __attribute__((visibility("hidden")));                       \
  L4UTIL__THREAD_ENTRY(name, ".hidden " #name)

#endif
