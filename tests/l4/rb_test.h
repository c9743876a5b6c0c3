/* What the ring buffer tests' sender and receiver agree on: the chunk, the
 * signal base name, the size and bytes of packet i, and when the receiver
 * holds back until the sender sleeps for room. */
#ifndef RB_TEST_H
#define RB_TEST_H
#include <stdio.h>
#include <stdlib.h>
#include <l4/shmc/ringbuf.h>

#define RB_TEST_CHUNK "ring"
#define RB_TEST_SIGNAL "rb"          /* caps rb_rx and rb_tx */
/* Not a power of two, so packets start at ever other offsets. */
#define RB_TEST_DATA_SIZE 1000
#define RB_TEST_MAX_PACKET (RB_TEST_DATA_SIZE - L4SHMC_RINGBUF_PREFIX_SIZE)

/* Sizes from 1 byte to the largest packet: every eighth the largest, some
 * just below it (other paddings), some tiny, the rest scattered. */
static inline unsigned rb_test_size(unsigned i)
{
	switch (i % 8) {
	case 0: return RB_TEST_MAX_PACKET;
	case 1: return 1;
	case 2: return RB_TEST_MAX_PACKET - 1 - (i / 8) % 3;
	case 3: return 1 + (i / 8) % 7;
	default: return 1 + ((i * 2654435761u) >> 7) % RB_TEST_MAX_PACKET;
	}
}

/* Byte k of packet i: depends on both, so a packet out of order or a
 * byte out of place shows. */
static inline char rb_test_byte(unsigned i, unsigned k)
{
	return (char)(i * 31 + k * 7 + (k >> 8) + 1);
}

static inline void rb_test_fill(char *p, unsigned i)
{
	for (unsigned k = 0; k < rb_test_size(i); k++)
		p[k] = rb_test_byte(i, k);
}

static inline int rb_test_check(const char *p, unsigned n, unsigned i)
{
	if (n != rb_test_size(i))
		return 0;
	for (unsigned k = 0; k < n; k++)
		if (p[k] != rb_test_byte(i, k))
			return 0;
	return 1;
}

/* Before these packets the receiver waits until the sender sleeps for
 * room, so the full-buffer path and notify_done's wake-up surely run. */
static inline int rb_test_hold_back(unsigned i) { return i % 250 == 0; }

static inline unsigned rb_test_packets(int argc, char **argv)
{
	return argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 1000;
}

static inline int rb_test_fail(const char *who, const char *what, long r, unsigned i)
{
	printf("%s: %s failed at packet %u: %ld\n", who, what, i, r);
	return 1;
}
#endif
