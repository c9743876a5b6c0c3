/* IPC timeouts.  Blocked threads with a deadline sit in one list sorted by
 * deadline; a timer thread sleeps until the first one and then aborts the
 * IPCs that ran out.  Callers hold kernel_lock. */
#include <time.h>
#include "kernel.h"

static struct thread *armed;
static pthread_cond_t timer_cond;

uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* 0 means never (*never set); a zero timeout sets *zero. */
uint64_t timeout_to_deadline(l4_timeout_s to, const l4_utcb_t *utcb, bool *never, bool *zero)
{
	*never = *zero = false;
	if (to.t == 0) {
		*never = true;
		return 0;
	}
	if (to.t & 0x8000) {
		/* Absolute: the value is in buffer registers; index in bits 0-5. */
		unsigned idx = to.t & 0x3f;
		if (!utcb || idx + 1 >= L4_UTCB_GENERIC_BUFFERS_SIZE) {
			*zero = true;
			return 0;
		}
		const l4_buf_regs_t *br = (const l4_buf_regs_t *)((const char *)utcb + L4_UTCB_BUF_REGS_OFFSET);
		uint64_t abs_us = br->br[idx];
		uint64_t now = now_ns();
		uint64_t abs = abs_us * 1000;
		if (abs <= now)
			*zero = true;
		return abs;
	}
	uint64_t us = (uint64_t)(to.t & 0x3ff) << ((to.t >> 10) & 0x1f);
	if (us == 0) {
		*zero = true;
		return 0;
	}
	return now_ns() + us * 1000;
}

void timer_disarm(struct thread *t)
{
	if (!t->deadline_ns)
		return;
	for (struct thread **p = &armed; *p; p = &(*p)->timer_next)
		if (*p == t) {
			*p = t->timer_next;
			break;
		}
	t->deadline_ns = 0;
	t->timer_next = NULL;
}

void timer_arm(struct thread *t, uint64_t deadline_ns)
{
	timer_disarm(t);
	t->deadline_ns = deadline_ns;
	struct thread **p = &armed;
	while (*p && (*p)->deadline_ns <= deadline_ns)
		p = &(*p)->timer_next;
	t->timer_next = *p;
	*p = t;
	if (armed == t)
		pthread_cond_signal(&timer_cond);
}

static void *timer_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&kernel_lock);
	for (;;) {
		uint64_t now = now_ns();
		while (armed && armed->deadline_ns <= now) {
			struct thread *t = armed;
			timer_disarm(t);
			ipc_timeout_expired(t);
		}
		if (!armed) {
			pthread_cond_wait(&timer_cond, &kernel_lock);
			continue;
		}
		struct timespec ts = { armed->deadline_ns / 1000000000ull, armed->deadline_ns % 1000000000ull };
		pthread_cond_timedwait(&timer_cond, &kernel_lock, &ts);
	}
	return NULL;
}

void timer_start(void)
{
	pthread_condattr_t a;
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&timer_cond, &a);
	pthread_t th;
	pthread_create(&th, NULL, timer_main, NULL);
	pthread_detach(th);
}
