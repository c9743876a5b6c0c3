/* l4_utcb_wrap(): the out-of-line UTCB lookup that l4_utcb() uses under L4SYS_USE_UTCB_WRAP. */
#include <l4/sys/utcb.h>

/* Weak, so that a program with its own notion of the current thread
 * (e.g. a user-level thread library) can provide a replacement. */
__attribute__((weak)) L4_CV l4_utcb_t *l4_utcb_wrap(void) L4_NOTHROW
{
  return l4_utcb_direct();
}
