/* The libshmc ring buffer inside one task under moe: a dataspace and the
 * IRQs rb_rx and rb_tx from our own allocator and factory, named in our
 * environment.  One handle is the sender, another the receiver, both on
 * the main thread.  Checks the error returns (bad arguments, names, sizes,
 * a chunk that is no ring buffer, a packet too big, a full buffer, a
 * blocking call with no signal attached, a damaged head), that packets are
 * invisible until committed, that signals are triggered when the protocol
 * says, and the wrap-around cases: a payload split at the end, a prefix
 * that ends exactly at the end.  Run as "ringbuf" by moe. */
#include <string.h>
#include <l4/re/env.h>
#include <l4/re/c/mem_alloc.h>
#include <l4/re/c/util/cap_alloc.h>
#include <l4/shmc/ringbuf.h>
#include <l4/sys/err.h>
#include "l4test.h"
#include "shmc_test.h"
#include "rb_test.h"

#define AREA_SIZE (16UL << 10)

static const long IPC_TIMEOUT = -(L4_EIPC_LO + L4_IPC_RETIMEOUT);

static l4shmc_area_t area;
static l4shmc_ringbuf_t tx, rx;        /* the sender's and the receiver's handle */
static char in[RB_TEST_MAX_PACKET], out[RB_TEST_MAX_PACKET + 8];

/* Send packet i of size bytes (rb_test.h's bytes) and commit it. */
static long send_packet(unsigned i, unsigned size)
{
	for (unsigned k = 0; k < size; k++)
		in[k] = rb_test_byte(i, k);
	long r = l4shmc_rb_sender_next_copy_in(&tx, in, size, 0);
	l4shmc_rb_sender_commit_packet(&tx);
	return r;
}

/* Take the next packet: 1 if it is packet i with size bytes. */
static int take_packet(unsigned i, unsigned size)
{
	unsigned n = sizeof out;
	if (l4shmc_rb_receiver_copy_out(L4SHMC_RINGBUF_HEAD(&rx), out, &n) || n != size)
		return 0;
	for (unsigned k = 0; k < n; k++)
		if (out[k] != rb_test_byte(i, k))
			return 0;
	return 1;
}

int main(void)
{
	l4_cap_idx_t ds = l4re_util_cap_alloc(), irq_rx = l4re_util_cap_alloc(), irq_tx = l4re_util_cap_alloc();
	CHECK(l4re_ma_alloc(AREA_SIZE, ds, 0) == 0, "a 16 KiB dataspace from moe");
	CHECK(l4_error(l4_factory_create_irq(l4re_env()->factory, irq_rx)) == 0 &&
	      l4_error(l4_factory_create_irq(l4re_env()->factory, irq_tx)) == 0, "two IRQs");
	const char *names[] = { "shm", "rb_rx", "rb_tx", "half_rx" };
	l4_cap_idx_t caps[] = { ds, irq_rx, irq_tx, irq_rx };
	shmc_test_env_add_caps(names, caps, 4);
	CHECK(l4shmc_attach("shm", &area) == 0, "area attached");
	l4shmc_ringbuf_head_t *head;

	/* Setting up. */
	CHECK(l4shmc_rb_init_buffer(NULL, &area, "ring", "rb", 1000) == -L4_EINVAL, "init_buffer: no handle: -L4_EINVAL");
	CHECK(l4shmc_rb_init_buffer(&tx, NULL, "ring", "rb", 1000) == -L4_EINVAL, "init_buffer: no area: -L4_EINVAL");
	CHECK(l4shmc_rb_init_buffer(&tx, &area, "sixteen_chars_xx", "rb", 1000) == -L4_EINVAL,
	      "init_buffer: 16-character chunk name: -L4_EINVAL");
	CHECK(l4shmc_rb_init_buffer(&tx, &area, "ring", "thirteen_char", 1000) == -L4_EINVAL,
	      "init_buffer: 13-character signal base name (no room for _rx): -L4_EINVAL");
	CHECK(l4shmc_rb_init_buffer(&tx, &area, "ring", "rb", 7) == -L4_EINVAL, "init_buffer: 7 data bytes: -L4_EINVAL");
	CHECK(l4shmc_rb_init_buffer(&tx, &area, "ring", "rb", 0x80000000u) == -L4_EINVAL,
	      "init_buffer: 2 GiB: -L4_EINVAL");
	CHECK(l4shmc_rb_init_buffer(&tx, &area, "ring", "none", 1000) == -L4_ENOENT,
	      "init_buffer: no caps none_rx, none_tx: -L4_ENOENT");
	CHECK(l4shmc_rb_init_buffer(&tx, &area, "ring", "half", 1000) == -L4_ENOENT,
	      "init_buffer: half_rx but no half_tx: -L4_ENOENT");
	CHECK(l4shmc_rb_init_buffer(&tx, &area, "ring", "rb", AREA_SIZE) == -L4_ENOMEM,
	      "init_buffer: larger than the area: -L4_ENOMEM");
	CHECK(l4shmc_rb_init_receiver(&rx, &area, "ring", "rb") == -L4_ENOENT,
	      "init_receiver before the sender's init_buffer: -L4_ENOENT");

	l4shmc_chunk_t plain, tiny;
	CHECK(l4shmc_add_chunk(&area, "plain", 64, &plain) == 0 && l4shmc_add_chunk(&area, "tiny", 8, &tiny) == 0,
	      "two plain chunks");
	CHECK(l4shmc_rb_init_receiver(&rx, &area, "plain", "rb") == -L4_EAGAIN,
	      "init_receiver: a chunk not set up yet (no magic): -L4_EAGAIN");
	*(l4_uint32_t *)l4shmc_chunk_ptr(&plain) = 0x12345678;
	CHECK(l4shmc_rb_init_receiver(&rx, &area, "plain", "rb") == -L4_EIO,
	      "init_receiver: a chunk with another magic: -L4_EIO");
	CHECK(l4shmc_rb_init_receiver(&rx, &area, "tiny", "rb") == -L4_EIO,
	      "init_receiver: a chunk too small for the head: -L4_EIO");

	CHECK(l4shmc_rb_init_buffer(&tx, &area, "ring", "rb", 1003) == 0 && L4SHMC_RINGBUF_DATA_SIZE(&tx) == 1000,
	      "init_buffer: 1003 bytes asked, 1000 data bytes (a multiple of the prefix)");
	l4shmc_ringbuf_t dup;
	CHECK(l4shmc_rb_init_buffer(&dup, &area, "ring", "rb", 1000) == -L4_EEXIST, "init_buffer: name taken: -L4_EEXIST");
	CHECK(l4shmc_rb_init_receiver(&rx, &area, "ring", "rb") == 0 && L4SHMC_RINGBUF_DATA_SIZE(&rx) == 1000,
	      "init_receiver: found, 1000 data bytes");
	head = L4SHMC_RINGBUF_HEAD(&rx);
	CHECK(head == L4SHMC_RINGBUF_HEAD(&tx), "both handles see the same head");

	/* Before any signal is attached. */
	CHECK(l4shmc_rb_receiver_read_next_size(head) == -1, "empty: read_next_size -1");
	unsigned n = sizeof out;
	CHECK(l4shmc_rb_receiver_copy_out(head, out, &n) == -L4_ENOENT && n == sizeof out, "empty: copy_out -L4_ENOENT");
	CHECK(l4shmc_rb_receiver_wait_for_data(&rx, 0) == IPC_TIMEOUT, "empty: non-blocking wait_for_data: timeout");
	CHECK(l4shmc_rb_receiver_wait_for_data(&rx, 1) == -L4_EINVAL,
	      "empty: blocking wait_for_data with no signal attached: -L4_EINVAL, not a wait forever");
	CHECK(send_packet(0, RB_TEST_MAX_PACKET) == 0, "a packet of 996 bytes fills the 1000-byte buffer");
	CHECK(l4shmc_rb_sender_next_copy_in(&tx, in, 0, 0) == -L4_ENOMEM, "full: non-blocking copy-in: -L4_ENOMEM");
	CHECK(l4shmc_rb_sender_alloc_packet(head, 1) == NULL, "full: alloc_packet NULL");
	CHECK(l4shmc_rb_sender_next_copy_in(&tx, in, 1, 1) == -L4_EINVAL,
	      "full: blocking copy-in with no signal attached: -L4_EINVAL, not a wait forever");
	CHECK(l4shmc_rb_receiver_wait_for_data(&rx, 1) == 0, "blocking wait_for_data with data there returns 0 at once");
	CHECK(take_packet(0, RB_TEST_MAX_PACKET), "the 996-byte packet comes out whole");

	/* Attach both sides' signals to this thread. */
	CHECK(l4shmc_rb_attach_sender(&tx, "none", l4re_env()->main_thread) == -L4_ENOENT,
	      "attach_sender: no such signal: -L4_ENOENT");
	CHECK(l4shmc_rb_attach_sender(&tx, RB_TEST_SIGNAL, l4re_env()->main_thread) == 0, "attach_sender");
	l4shmc_rb_attach_receiver(&rx, l4re_env()->main_thread);
	CHECK(l4_capability_equal(rx._owner, l4re_env()->main_thread), "attach_receiver");
	while (l4shmc_wait_signal_try(&rx._signal_data) == 0)
		;   /* the trigger of the packet above, counted while unbound */

	/* Too big, bad arguments. */
	CHECK(l4shmc_rb_sender_alloc_packet(head, RB_TEST_MAX_PACKET + 1) == NULL, "alloc_packet of 997 bytes: NULL");
	CHECK(l4shmc_rb_sender_next_copy_in(&tx, in, RB_TEST_MAX_PACKET + 1, 1) == -L4_EINVAL,
	      "blocking copy-in of 997 bytes (can never fit): -L4_EINVAL");
	CHECK(l4shmc_rb_sender_next_copy_in(&tx, NULL, 5, 0) == -L4_EINVAL, "copy-in from NULL: -L4_EINVAL");
	CHECK(l4shmc_rb_sender_next_copy_in(NULL, in, 5, 0) == -L4_EINVAL, "copy-in without handle: -L4_EINVAL");
	CHECK(l4shmc_rb_receiver_copy_out(head, NULL, &n) == -L4_EINVAL &&
	      l4shmc_rb_receiver_copy_out(head, out, NULL) == -L4_EINVAL, "copy_out to NULL: -L4_EINVAL");
	CHECK(l4shmc_rb_sender_alloc_packet(NULL, 1) == NULL && l4shmc_rb_receiver_read_next_size(NULL) == -L4_EINVAL,
	      "no head: alloc_packet NULL, read_next_size -L4_EINVAL");

	/* A packet is invisible until committed; the commit triggers rb_rx. */
	CHECK(l4shmc_rb_sender_next_copy_in(&tx, in, 10, 0) == 0, "10 bytes copied in");
	CHECK(l4shmc_rb_receiver_read_next_size(head) == -1 && l4shmc_rb_receiver_wait_for_data(&rx, 0) == IPC_TIMEOUT,
	      "not committed: the receiver sees nothing");
	CHECK(l4shmc_wait_signal_try(&rx._signal_data) == IPC_TIMEOUT, "not committed: rb_rx not triggered");
	l4shmc_rb_sender_commit_packet(&tx);
	CHECK(l4shmc_rb_receiver_read_next_size(head) == 10, "committed: read_next_size 10");
	CHECK(l4shmc_wait_signal_try(&rx._signal_data) == 0 && l4shmc_wait_signal_try(&rx._signal_data) == IPC_TIMEOUT,
	      "the commit triggered rb_rx once");
	l4shmc_rb_sender_commit_packet(&tx);
	CHECK(l4shmc_wait_signal_try(&rx._signal_data) == IPC_TIMEOUT, "a commit with nothing new triggers nothing");
	n = 9;
	CHECK(l4shmc_rb_receiver_copy_out(head, out, &n) == -L4_EINVAL && n == 9 &&
	      l4shmc_rb_receiver_read_next_size(head) == 10, "copy_out into 9 bytes: -L4_EINVAL, the packet stays");
	n = 10;
	CHECK(l4shmc_rb_receiver_copy_out(head, out, &n) == 0 && n == 10 && memcmp(out, in, 10) == 0,
	      "copy_out into exactly 10 bytes: the packet");

	/* notify_done wakes the sender only if it said it waits. */
	l4shmc_rb_receiver_notify_done(&rx);
	CHECK(l4shmc_wait_signal_try(&tx._signal_room) == IPC_TIMEOUT, "notify_done, sender not waiting: rb_tx quiet");
	__atomic_store_n(&head->sender_waits, 1, __ATOMIC_SEQ_CST);
	l4shmc_rb_receiver_notify_done(&rx);
	CHECK(head->sender_waits == 0 && l4shmc_wait_signal_try(&tx._signal_room) == 0,
	      "notify_done, sender waiting: flag cleared, rb_tx triggered");

	/* Several packets in one commit, taken in order. */
	unsigned sizes[] = { 1, 2, 3, 4, 5, 100 };
	for (unsigned i = 0; i < 6; i++) {
		for (unsigned k = 0; k < sizes[i]; k++)
			in[k] = rb_test_byte(10 + i, k);
		CHECK(l4shmc_rb_sender_next_copy_in(&tx, in, sizes[i], 0) == 0, "packet %u of %u bytes reserved", 10 + i,
		      sizes[i]);
	}
	l4shmc_rb_sender_commit_packet(&tx);
	int order = 1;
	for (unsigned i = 0; i < 6; i++)
		order &= take_packet(10 + i, sizes[i]);
	CHECK(order && l4shmc_rb_receiver_read_next_size(head) == -1, "six packets of one commit come out in order");

	/* Wrap-around.  Offsets now: 10 + 1 packet of 10 bytes (16 with the
	 * prefix: 14 + 2 padding), then 4+4+4+8+8+8+8+104 = 148: at 164.
	 * A 732-byte packet (736 with the prefix) takes them to 900. */
	CHECK(send_packet(20, 732) == 0 && take_packet(20, 732) && head->next_read == 900,
	      "a 732-byte packet brings both offsets to 900");
	char *p = l4shmc_rb_sender_alloc_packet(head, 200);
	CHECK(p == head->data + 904, "a 200-byte packet at 900: payload at 904, 96 bytes before the end");
	for (unsigned k = 0; k < 200; k++)
		in[k] = rb_test_byte(21, k);
	l4shmc_rb_sender_put_data(&tx, p, in, 200);
	l4shmc_rb_sender_commit_packet(&tx);
	CHECK(memcmp(head->data + 904, in, 96) == 0 && memcmp(head->data, in + 96, 104) == 0,
	      "put_data split it: 96 bytes at the end, 104 at the start");
	CHECK(take_packet(21, 200) && head->next_read == 104, "copy_out joins it again; next packet at 104");
	CHECK(send_packet(22, 888) == 0 && take_packet(22, 888) && head->next_read == 996,
	      "an 888-byte packet brings both offsets to 996");
	p = l4shmc_rb_sender_alloc_packet(head, 50);
	CHECK(p == head->data && *(l4_uint32_t *)(head->data + 996) == 50,
	      "a prefix in the last 4 bytes: the payload starts at the beginning");
	for (unsigned k = 0; k < 50; k++)
		in[k] = rb_test_byte(23, k);
	l4shmc_rb_sender_put_data(&tx, p, in, 50);
	l4shmc_rb_sender_commit_packet(&tx);
	CHECK(take_packet(23, 50) && head->next_read == 52, "and comes out whole");

	/* A damaged head: refused, not followed. */
	CHECK(send_packet(24, 30) == 0, "a 30-byte packet");
	head->next_read = 54;
	CHECK(l4shmc_rb_receiver_copy_out(head, out, &n) == -L4_EIO && l4shmc_rb_receiver_read_next_size(head) == -L4_EIO,
	      "next_read not on a prefix boundary: -L4_EIO");
	head->next_read = 52;
	*(l4_uint32_t *)(head->data + 52) = 5000;
	CHECK(l4shmc_rb_receiver_read_next_size(head) == -L4_EIO, "a length prefix beyond the buffer: -L4_EIO");
	*(l4_uint32_t *)(head->data + 52) = 33;   /* 40 bytes with prefix and padding, 36 filled */
	CHECK(l4shmc_rb_receiver_read_next_size(head) == -L4_EIO, "a length prefix beyond the filled bytes: -L4_EIO");
	*(l4_uint32_t *)(head->data + 52) = 30;
	head->magic = 0;
	CHECK(l4shmc_rb_receiver_read_next_size(head) == -L4_EIO && l4shmc_rb_sender_alloc_packet(head, 1) == NULL &&
	      l4shmc_rb_sender_next_copy_in(&tx, in, 1, 1) == -L4_EIO, "no magic: receiver -L4_EIO, sender refused");
	head->magic = L4SHMC_RINGBUF_MAGIC;
	head->bytes_filled = 2000;
	CHECK(l4shmc_rb_sender_alloc_packet(head, 1) == NULL, "more bytes filled than there are: alloc_packet NULL");
	head->bytes_filled = 36;
	CHECK(take_packet(24, 30), "repaired: the 30-byte packet comes out");

	l4shmc_rb_deinit_buffer(&tx);
	CHECK(l4shmc_rb_sender_next_copy_in(&tx, in, 1, 0) == -L4_EINVAL, "after deinit the handle is refused");
	L4TEST_DONE();
}
