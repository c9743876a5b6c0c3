/* libshmc consumer task: takes ROUNDS chunks (argument 1, default 100)
 * from the chunk "data" in the area "shm" as the signal "prod" announces
 * them, checks each payload against what shmc_prod writes, and triggers
 * "done".  Started with caps { shm = dataspace (rw), prod = IRQ, done =
 * IRQ }.  Exit code 0 if every chunk arrived as sent. */
#include <stdio.h>
#include <l4/re/env.h>
#include "shmc_test.h"

int main(int argc, char **argv)
{
	static struct shmc_test_party t;
	unsigned rounds = shmc_test_rounds(argc, argv);
	long r;
	if ((r = l4shmc_attach("shm", &t.area)))
		return shmc_test_fail("shmc_cons", "attach \"shm\"", r);
	if ((r = l4shmc_attach_signal(&t.area, "prod", l4re_env()->main_thread, &t.ready)))
		return shmc_test_fail("shmc_cons", "attach_signal \"prod\"", r);
	if ((r = l4shmc_get_signal(&t.area, "done", &t.done)))
		return shmc_test_fail("shmc_cons", "get_signal \"done\"", r);
	/* The producer adds the chunk; it may not have yet. */
	if ((r = l4shmc_get_chunk_to(&t.area, SHMC_TEST_CHUNK, ~0UL, &t.chunk)))
		return shmc_test_fail("shmc_cons", "get_chunk_to", r);
	l4shmc_connect_chunk_signal(&t.chunk, &t.ready);
	l4shmc_mark_client_initialized(&t.area);
	printf("shmc_cons: client %ld, found the chunk\n", l4shmc_get_client_nr(&t.area));
	unsigned good = 0;
	for (unsigned i = 0; i < rounds; i++) {
		if ((r = l4shmc_wait_chunk(&t.chunk)))
			return shmc_test_fail("shmc_cons", "wait_chunk", r);
		/* Each signal announces one ready chunk. */
		if ((r = l4shmc_chunk_try_to_take_for_reading(&t.chunk)))
			return shmc_test_fail("shmc_cons", "take_for_reading after the signal", r);
		good += shmc_test_check(&t.chunk, i);
		l4shmc_chunk_consumed(&t.chunk);
		if ((r = l4shmc_trigger(&t.done)))
			return shmc_test_fail("shmc_cons", "trigger \"done\"", r);
	}
	printf("shmc_cons: received %u chunks, %u as sent\n", rounds, good);
	return good == rounds ? 0 : 1;
}
