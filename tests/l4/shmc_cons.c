/* libshmc consumer task: takes ROUNDS chunks (argument 1, default 100)
 * from the chunk "data" in the area "shm" as the signal "prod" announces
 * them, checks each payload against what shmc_prod writes, and triggers
 * "done".  Started with caps { shm = dataspace (rw), prod = IRQ, done =
 * IRQ }.  Exit code 0 if every chunk arrived as sent. */
#include <stdio.h>
#include <stdlib.h>
#include <l4/re/env.h>
#include "shmc_test.h"

static int fail(const char *what, long r)
{
	printf("shmc_cons: %s failed: %ld\n", what, r);
	return 1;
}

int main(int argc, char **argv)
{
	unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 100;
	static l4shmc_area_t area;
	static l4shmc_signal_t ready, done;
	l4shmc_chunk_t chunk;
	long r;
	if ((r = l4shmc_attach("shm", &area)))
		return fail("attach \"shm\"", r);
	if ((r = l4shmc_attach_signal(&area, "prod", l4re_env()->main_thread, &ready)))
		return fail("attach_signal \"prod\"", r);
	if ((r = l4shmc_get_signal(&area, "done", &done)))
		return fail("get_signal \"done\"", r);
	/* The producer adds the chunk; it may not have yet. */
	if ((r = l4shmc_get_chunk_to(&area, SHMC_TEST_CHUNK, ~0UL, &chunk)))
		return fail("get_chunk_to", r);
	l4shmc_connect_chunk_signal(&chunk, &ready);
	l4shmc_mark_client_initialized(&area);
	printf("shmc_cons: client %ld, found the chunk\n", l4shmc_get_client_nr(&area));
	unsigned good = 0;
	for (unsigned i = 0; i < rounds; i++) {
		if ((r = l4shmc_wait_chunk(&chunk)))
			return fail("wait_chunk", r);
		/* Each signal announces one ready chunk. */
		if ((r = l4shmc_chunk_try_to_take_for_reading(&chunk)))
			return fail("take_for_reading after the signal", r);
		good += shmc_test_check(&chunk, i);
		l4shmc_chunk_consumed(&chunk);
		if ((r = l4shmc_trigger(&done)))
			return fail("trigger \"done\"", r);
	}
	printf("shmc_cons: received %u chunks, %u as sent\n", rounds, good);
	return good == rounds ? 0 : 1;
}
