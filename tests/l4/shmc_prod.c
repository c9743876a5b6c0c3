/* libshmc producer task: fills the chunk "data" in the area "shm" ROUNDS
 * times (argument 1, default 100), each time triggering the signal "prod"
 * and waiting for "done" when the consumer still has the chunk.  Started
 * with caps { shm = dataspace (rw), prod = IRQ, done = IRQ }, by
 * shmc_start or a ned script.  Exit code 0 if every step succeeded. */
#include <stdio.h>
#include <l4/re/env.h>
#include "shmc_test.h"

int main(int argc, char **argv)
{
	static struct shmc_test_party t;
	unsigned rounds = shmc_test_rounds(argc, argv);
	long r;
	if ((r = l4shmc_create("shm")) || (r = l4shmc_attach("shm", &t.area)))
		return shmc_test_fail("shmc_prod", "create/attach \"shm\"", r);
	if ((r = l4shmc_add_chunk(&t.area, SHMC_TEST_CHUNK, SHMC_TEST_CAPACITY, &t.chunk)))
		return shmc_test_fail("shmc_prod", "add_chunk", r);
	if ((r = l4shmc_add_signal(&t.area, "prod", &t.ready)))
		return shmc_test_fail("shmc_prod", "add_signal \"prod\"", r);
	if ((r = l4shmc_attach_signal(&t.area, "done", l4re_env()->main_thread, &t.done)))
		return shmc_test_fail("shmc_prod", "attach_signal \"done\"", r);
	l4shmc_connect_chunk_signal(&t.chunk, &t.ready);
	l4shmc_mark_client_initialized(&t.area);
	printf("shmc_prod: client %ld, chunk of %ld bytes, waiting for the consumer\n", l4shmc_get_client_nr(&t.area),
	       l4shmc_chunk_capacity(&t.chunk));
	shmc_test_wait_clients(&t.area, 2);
	unsigned waits = 0;
	for (unsigned i = 0; i < rounds; i++) {
		while (l4shmc_chunk_try_to_take(&t.chunk) < 0) {
			if ((r = l4shmc_wait_signal(&t.done)))
				return shmc_test_fail("shmc_prod", "wait_signal \"done\"", r);
			waits++;
		}
		shmc_test_fill(&t.chunk, i);
		if ((r = l4shmc_chunk_ready_sig(&t.chunk, shmc_test_words(i) * 8)))
			return shmc_test_fail("shmc_prod", "chunk_ready_sig", r);
	}
	printf("shmc_prod: sent %u chunks (waited for \"done\" %u times)\n", rounds, waits);
	return 0;
}
