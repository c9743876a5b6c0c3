/* What the libshmc tests' producers and consumers agree on: the chunk,
 * the payload of each round, and the start-up hand-shake. */
#ifndef SHMC_TEST_H
#define SHMC_TEST_H
#include <stdio.h>
#include <stdlib.h>
#include <l4/shmc/shmc.h>
#include <string.h>
#include <l4/re/env.h>
#include <l4/util/util.h>

#define SHMC_TEST_CHUNK "data"
#define SHMC_TEST_CAPACITY 256

/* Words in round i: their number varies, so the size is checked too. */
static inline unsigned shmc_test_words(unsigned i) { return 1 + (i * 7) % (SHMC_TEST_CAPACITY / 8); }
static inline l4_umword_t shmc_test_word(unsigned i, unsigned k) { return i * 1000003UL + k; }

static inline void shmc_test_fill(l4shmc_chunk_t *c, unsigned i)
{
	l4_umword_t *w = l4shmc_chunk_ptr(c);
	for (unsigned k = 0; k < shmc_test_words(i); k++)
		w[k] = shmc_test_word(i, k);
}

/* Is the chunk's payload round i's, size included? */
static inline int shmc_test_check(l4shmc_chunk_t const *c, unsigned i)
{
	const l4_umword_t *w = l4shmc_chunk_ptr(c);
	if (l4shmc_chunk_size(c) != (long)shmc_test_words(i) * 8)
		return 0;
	for (unsigned k = 0; k < shmc_test_words(i); k++)
		if (w[k] != shmc_test_word(i, k))
			return 0;
	return 1;
}

/* Wait until n clients have marked themselves initialised: each has bound
 * its signals by then, so no trigger goes to an unbound IRQ. */
static inline void shmc_test_wait_clients(l4shmc_area_t *a, int n)
{
	l4_umword_t mask = 0;
	while (l4shmc_get_initialized_clients(a, &mask) == 0 && __builtin_popcountl(mask) < n)
		l4_sleep(1);
}

/* What the producer and consumer programs hold: the area, the signals
 * "prod" (a chunk is ready) and "done" (it was consumed), the chunk. */
struct shmc_test_party {
	l4shmc_area_t area;
	l4shmc_signal_t ready, done;
	l4shmc_chunk_t chunk;
};

/* The producer and consumer programs: rounds from argument 1 (default
 * 100), and how a failed step ends them. */
static inline unsigned shmc_test_rounds(int argc, char **argv)
{
	return argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 100;
}

static inline int shmc_test_fail(const char *who, const char *what, long r)
{
	printf("%s: %s failed: %ld\n", who, what, r);
	return 1;
}

/* In-task tests: make this program's environment name the given
 * capabilities too, as if its starter had passed them. */
static inline void shmc_test_env_add_caps(const char *const *names, const l4_cap_idx_t *caps, unsigned n)
{
	static l4re_env_cap_entry_t list[64];
	unsigned k = 0;
	for (l4re_env_cap_entry_t const *c = l4re_env()->caps; c && c->flags != ~0UL && k < 48; c++)
		list[k++] = *c;
	for (unsigned i = 0; i < n; i++) {
		list[k] = (l4re_env_cap_entry_t){ caps[i], 0, { 0 } };
		strncpy(list[k].name, names[i], sizeof list[k].name - 1);
		k++;
	}
	list[k] = (l4re_env_cap_entry_t){ L4_INVALID_CAP, ~0UL, { 0 } };
	l4re_env()->caps = list;
}

#endif
