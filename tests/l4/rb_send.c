/* Ring buffer sender task: sets up the ring buffer "ring" (signals rb_rx,
 * rb_tx) in the area "shm" and sends PACKETS packets (argument 1, default
 * 1000) of the sizes and bytes rb_test.h gives, by three ways in turn:
 * blocking copy-in, non-blocking copy-in that falls back to blocking when
 * the buffer is full, and alloc_packet + put_data.  Commits every fourth
 * packet, so several go out at once.  Started with caps { shm = dataspace
 * (rw), rb_rx = IRQ, rb_tx = IRQ }; exit code 0 if every packet went in. */
#include <l4/re/env.h>
#include "rb_test.h"

int main(int argc, char **argv)
{
	static l4shmc_area_t area;
	static l4shmc_ringbuf_t rb;
	static char packet[RB_TEST_MAX_PACKET];
	unsigned packets = rb_test_packets(argc, argv), full = 0;
	unsigned long bytes = 0;
	long r;
	if ((r = l4shmc_attach("shm", &area)))
		return rb_test_fail("rb_send", "attach \"shm\"", r, 0);
	if ((r = l4shmc_rb_init_buffer(&rb, &area, RB_TEST_CHUNK, RB_TEST_SIGNAL, RB_TEST_DATA_SIZE)))
		return rb_test_fail("rb_send", "init_buffer", r, 0);
	if ((r = l4shmc_rb_attach_sender(&rb, RB_TEST_SIGNAL, l4re_env()->main_thread)))
		return rb_test_fail("rb_send", "attach_sender", r, 0);
	printf("rb_send: ring buffer of %u bytes set up\n", L4SHMC_RINGBUF_DATA_SIZE(&rb));
	for (unsigned i = 0; i < packets; i++) {
		unsigned size = rb_test_size(i);
		rb_test_fill(packet, i);
		if (i % 3 == 0) {
			r = l4shmc_rb_sender_next_copy_in(&rb, packet, size, 1);
		} else if (i % 3 == 1) {
			r = l4shmc_rb_sender_next_copy_in(&rb, packet, size, 0);
			if (r == -L4_ENOMEM) {
				full++;
				r = l4shmc_rb_sender_next_copy_in(&rb, packet, size, 1);
			}
		} else {
			char *p = l4shmc_rb_sender_alloc_packet(L4SHMC_RINGBUF_HEAD(&rb), size);
			if (p) {
				l4shmc_rb_sender_put_data(&rb, p, packet, size);
				r = 0;
			} else {
				full++;
				r = l4shmc_rb_sender_next_copy_in(&rb, packet, size, 1);
			}
		}
		if (r)
			return rb_test_fail("rb_send", "copy-in", r, i);
		if (i % 4 == 3 || i == packets - 1)
			l4shmc_rb_sender_commit_packet(&rb);
		bytes += size;
	}
	printf("rb_send: sent %u packets, %lu bytes; found the buffer full %u times\n", packets, bytes, full);
	return 0;
}
