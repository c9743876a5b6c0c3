/* Ring buffer receiver task: attaches to the ring buffer "ring" that
 * rb_send sets up (waiting until it has), takes PACKETS packets (argument
 * 1, default 1000) and checks each one's announced size, copied size and
 * every byte against rb_test.h, so a lost, repeated, reordered or damaged
 * packet shows.  Before some packets it holds back until the sender sleeps
 * for room.  Exit code 0 if every packet arrived as sent and nothing
 * follows them. */
#include <l4/re/env.h>
#include <l4/util/util.h>
#include "rb_test.h"

int main(int argc, char **argv)
{
	static l4shmc_area_t area;
	static l4shmc_ringbuf_t rb;
	static char packet[RB_TEST_MAX_PACKET + 16];
	unsigned packets = rb_test_packets(argc, argv), good = 0, held = 0;
	unsigned long bytes = 0;
	long r;
	if ((r = l4shmc_attach("shm", &area)))
		return rb_test_fail("rb_recv", "attach \"shm\"", r, 0);
	/* The sender creates the chunk; it may not have yet. */
	while ((r = l4shmc_rb_init_receiver(&rb, &area, RB_TEST_CHUNK, RB_TEST_SIGNAL)) == -L4_ENOENT ||
	       r == -L4_EAGAIN)
		l4_sleep(1);
	if (r)
		return rb_test_fail("rb_recv", "init_receiver", r, 0);
	l4shmc_rb_attach_receiver(&rb, l4re_env()->main_thread);
	l4shmc_ringbuf_head_t *head = L4SHMC_RINGBUF_HEAD(&rb);
	for (unsigned i = 0; i < packets; i++) {
		if (rb_test_hold_back(i)) {
			while (!__atomic_load_n(&head->sender_waits, __ATOMIC_ACQUIRE))
				l4_sleep(1);
			held++;
		}
		if ((r = l4shmc_rb_receiver_wait_for_data(&rb, 1)))
			return rb_test_fail("rb_recv", "wait_for_data", r, i);
		int next = l4shmc_rb_receiver_read_next_size(head);
		/* Odd packets go to a target of exactly their size. */
		unsigned size = i % 2 ? rb_test_size(i) : sizeof packet;
		if ((r = l4shmc_rb_receiver_copy_out(head, packet, &size)))
			return rb_test_fail("rb_recv", "copy_out", r, i);
		l4shmc_rb_receiver_notify_done(&rb);
		if (next == (int)size && rb_test_check(packet, size, i))
			good++;
		else if (good == i)
			printf("rb_recv: packet %u differs (size %u, announced %d, expected %u)\n", i, size, next,
			       rb_test_size(i));
		bytes += size;
	}
	int rest = l4shmc_rb_receiver_read_next_size(head);
	printf("rb_recv: received %u packets, %lu bytes, %u as sent and in order; held back %u times; then %s\n",
	       packets, bytes, good, held, rest == -1 ? "empty" : "more");
	return good == packets && rest == -1 ? 0 : 1;
}
