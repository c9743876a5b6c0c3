/* Starts the libshmc producer and consumer as two tasks, the way a ned
 * script would: a dataspace from moe and two IRQs from the kernel factory,
 * passed as caps { shm, prod, done }; then waits for both.  Run as
 * "shmc_start [ROUNDS]" by moe with rom/shmc_prod and rom/shmc_cons. */
#include <string.h>
#include <l4/re/env.h>
#include <l4/re/c/mem_alloc.h>
#include <l4/re/c/namespace.h>
#include <l4/re/c/util/cap_alloc.h>
#include <l4/umol4/launch.h>
#include <l4/util/util.h>
#include "l4test.h"

static struct umol4_child *start(const char *prog, const char *rounds, struct umol4_launch_cap const *caps)
{
	l4_cap_idx_t bin = l4re_util_cap_alloc();
	if (l4re_ns_query_srv(l4re_env_get_cap("rom"), prog, bin))
		return NULL;
	struct umol4_launch_params p;
	umol4_launch_params_init(&p);
	const char *args[] = { prog, rounds, NULL };
	p.binary = bin;
	p.argv = args;
	p.caps = caps;
	p.num_caps = 3;
	struct umol4_child *c = NULL;
	return umol4_launch(&p, &c) ? NULL : c;
}

int main(int argc, char **argv)
{
	const char *rounds = argc > 1 ? argv[1] : "200";
	l4_cap_idx_t shm = l4re_util_cap_alloc(), prod = l4re_util_cap_alloc(), done = l4re_util_cap_alloc();
	CHECK(l4re_ma_alloc(64 << 10, shm, 0) == 0, "a 64 KiB dataspace");
	CHECK(l4_error(l4_factory_create_irq(l4re_env()->factory, prod)) == 0 &&
	      l4_error(l4_factory_create_irq(l4re_env()->factory, done)) == 0, "IRQs \"prod\" and \"done\"");
	struct umol4_launch_cap caps[] = {
		{ "shm", shm, L4_CAP_FPAGE_RW },
		{ "prod", prod, L4_CAP_FPAGE_RWS },
		{ "done", done, L4_CAP_FPAGE_RWS },
	};
	struct umol4_child *p = start("shmc_prod", rounds, caps), *c = start("shmc_cons", rounds, caps);
	CHECK(p && c, "started rom/shmc_prod and rom/shmc_cons with caps shm, prod, done");
	int pcode = -1, ccode = -1;
	/* Until both have ended; if one fails, the other may wait for it
	 * forever: end it. */
	while (p && c) {
		enum umol4_child_state ps = umol4_child_state(p, &pcode), cs = umol4_child_state(c, &ccode);
		if (ps != UMOL4_CHILD_RUNNING && cs != UMOL4_CHILD_RUNNING)
			break;
		if (ps != UMOL4_CHILD_RUNNING && pcode)
			umol4_child_kill(c);
		if (cs != UMOL4_CHILD_RUNNING && ccode)
			umol4_child_kill(p);
		l4_sleep(10);
	}
	CHECK(pcode == 0, "the producer exited with 0 (%d)", pcode);
	CHECK(ccode == 0, "the consumer exited with 0: every chunk arrived as sent (%d)", ccode);
	L4TEST_DONE();
}
