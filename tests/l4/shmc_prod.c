/* libshmc producer task: fills the chunk "data" in the area "shm" ROUNDS
 * times (argument 1, default 100), each time triggering the signal "prod"
 * and waiting for "done" when the consumer still has the chunk.  Started
 * with caps { shm = dataspace (rw), prod = IRQ, done = IRQ }, by
 * shmc_start or a ned script.  Exit code 0 if every step succeeded. */
#include <stdio.h>
#include <stdlib.h>
#include <l4/re/env.h>
#include "shmc_test.h"

static int fail(const char *what, long r)
{
	printf("shmc_prod: %s failed: %ld\n", what, r);
	return 1;
}

int main(int argc, char **argv)
{
	unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 100;
	static l4shmc_area_t area;
	static l4shmc_signal_t ready, done;
	l4shmc_chunk_t chunk;
	long r;
	if ((r = l4shmc_create("shm")) || (r = l4shmc_attach("shm", &area)))
		return fail("create/attach \"shm\"", r);
	if ((r = l4shmc_add_chunk(&area, SHMC_TEST_CHUNK, SHMC_TEST_CAPACITY, &chunk)))
		return fail("add_chunk", r);
	if ((r = l4shmc_add_signal(&area, "prod", &ready)))
		return fail("add_signal \"prod\"", r);
	if ((r = l4shmc_attach_signal(&area, "done", l4re_env()->main_thread, &done)))
		return fail("attach_signal \"done\"", r);
	l4shmc_connect_chunk_signal(&chunk, &ready);
	l4shmc_mark_client_initialized(&area);
	printf("shmc_prod: client %ld, chunk of %ld bytes, waiting for the consumer\n", l4shmc_get_client_nr(&area),
	       l4shmc_chunk_capacity(&chunk));
	shmc_test_wait_clients(&area, 2);
	unsigned waits = 0;
	for (unsigned i = 0; i < rounds; i++) {
		while (l4shmc_chunk_try_to_take(&chunk) < 0) {
			if ((r = l4shmc_wait_signal(&done)))
				return fail("wait_signal \"done\"", r);
			waits++;
		}
		shmc_test_fill(&chunk, i);
		if ((r = l4shmc_chunk_ready_sig(&chunk, shmc_test_words(i) * 8)))
			return fail("chunk_ready_sig", r);
	}
	printf("shmc_prod: sent %u chunks (waited for \"done\" %u times)\n", rounds, waits);
	return 0;
}
