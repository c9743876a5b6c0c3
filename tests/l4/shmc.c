/* libshmc inside one task under moe: a dataspace and two IRQs from our own
 * allocator and factory, registered as named capabilities of this program
 * ("shm", a read-only "shm_ro", "prod", "done"), as a starter would pass
 * them.  The main thread checks areas, chunk statuses, signals and the
 * error returns; then a producer thread and a consumer thread hand a chunk
 * back and forth ROUNDS times (the chunk's signal "prod" says a chunk is
 * ready, "done" that it was consumed) and the payloads are checked.
 * Run as "shmc" by moe. */
#include <string.h>
#include <l4/re/env.h>
#include <l4/re/c/mem_alloc.h>
#include <l4/re/c/util/cap_alloc.h>
#include <l4/shmc/shmc.h>
#include <l4/sys/err.h>
#include <l4/util/util.h>
#include "l4test.h"
#include "shmc_test.h"

#define AREA_SIZE (16UL << 10)
#define DATA_CAPACITY SHMC_TEST_CAPACITY
#define ROUNDS 300
#define STACK_SIZE 16384

static const long IPC_TIMEOUT = -(L4_EIPC_LO + L4_IPC_RETIMEOUT);

/* A thread of this task paged by the itas; *cap is set before it runs,
 * so fn can read its own capability.  fn must not use libc state. */
static int thread_start(void (*fn)(void), char *stack, l4_cap_idx_t *cap)
{
	l4re_env_t *e = l4re_env();
	*cap = l4re_util_cap_alloc();
	if (l4_error(l4_factory_create_thread(e->factory, *cap)))
		return -1;
	l4_thread_control_start();
	l4_thread_control_pager(e->rm);
	l4_thread_control_exc_handler(e->rm);
	l4_thread_control_bind((l4_utcb_t *)e->first_free_utcb, L4RE_THIS_TASK_CAP);
	e->first_free_utcb += L4_UTCB_OFFSET;
	if (l4_error(l4_thread_control_commit(*cap)))
		return -1;
	l4_umword_t sp = ((l4_umword_t)stack + STACK_SIZE) & ~15UL;
	l4_sched_param_t sp_param = l4_sched_param(2, 0);
	if (l4_error(l4_thread_ex_regs(*cap, (l4_umword_t)fn, sp - 8, 0)) ||
	    l4_error(l4_scheduler_run_thread(e->scheduler, *cap, &sp_param)))
		return -1;
	return 0;
}

/* What the two threads report (they cannot print). */
struct party {
	l4_cap_idx_t thread;
	l4shmc_area_t area;
	volatile int finished;
	const char *failed;        /* the first step that went wrong */
	long error;                /* and what it returned */
	unsigned rounds;
	unsigned waits;            /* producer: waits for "done"; consumer: payloads checked */
	unsigned bad;              /* consumer: payloads that differed */
};
static struct party prod, cons;
static char prod_stack[STACK_SIZE] __attribute__((aligned(16)));
static char cons_stack[STACK_SIZE] __attribute__((aligned(16)));

static void __attribute__((noreturn)) party_end(struct party *p, const char *failed, long error)
{
	p->failed = failed;
	p->error = error;
	__atomic_store_n(&p->finished, 1, __ATOMIC_RELEASE);
	l4_sleep_forever();
}

/* Stop at the first failing step, with what it returned. */
#define STEP(p, what, call) do { long r_ = (call); if (r_) party_end(p, what, r_); } while (0)

static void producer(void)
{
	l4shmc_area_t *a = &prod.area;
	l4shmc_chunk_t chunk;
	static l4shmc_signal_t ready_sig, done_sig;
	STEP(&prod, "attach", l4shmc_attach("shm", a));
	STEP(&prod, "add_chunk data", l4shmc_add_chunk(a, SHMC_TEST_CHUNK, DATA_CAPACITY, &chunk));
	STEP(&prod, "add_signal prod", l4shmc_add_signal(a, "prod", &ready_sig));
	l4shmc_connect_chunk_signal(&chunk, &ready_sig);
	STEP(&prod, "attach_signal done", l4shmc_attach_signal(a, "done", prod.thread, &done_sig));
	l4shmc_mark_client_initialized(a);
	shmc_test_wait_clients(a, 3);
	for (unsigned i = 0; i < ROUNDS; i++) {
		while (l4shmc_chunk_try_to_take(&chunk) < 0) {
			/* Still the consumer's: wait until it says it is done. */
			l4shmc_signal_t *got = NULL;
			STEP(&prod, "enable_signal done", l4shmc_enable_signal(&done_sig));
			STEP(&prod, "wait_any", l4shmc_wait_any(&got));
			if (got != &done_sig)
				party_end(&prod, "wait_any: not the done signal", (long)got);
			prod.waits++;
		}
		if (chunk._chunk->_status != L4SHMC_CHUNK_BUSY_WRITING)
			party_end(&prod, "status after take", (long)chunk._chunk->_status);
		shmc_test_fill(&chunk, i);
		STEP(&prod, "chunk_ready_sig", l4shmc_chunk_ready_sig(&chunk, shmc_test_words(i) * 8));
		prod.rounds++;
	}
	party_end(&prod, NULL, 0);
}

static void consumer(void)
{
	l4shmc_area_t *a = &cons.area;
	l4shmc_chunk_t chunk;
	static l4shmc_signal_t ready_sig, done_sig;
	STEP(&cons, "attach", l4shmc_attach("shm", a));
	STEP(&cons, "attach_signal prod", l4shmc_attach_signal(a, "prod", cons.thread, &ready_sig));
	STEP(&cons, "get_signal done", l4shmc_get_signal(a, "done", &done_sig));
	/* The producer adds the chunk: wait for it to appear. */
	STEP(&cons, "get_chunk_to data", l4shmc_get_chunk_to(a, SHMC_TEST_CHUNK, ~0UL, &chunk));
	if (l4shmc_chunk_capacity(&chunk) != DATA_CAPACITY)
		party_end(&cons, "capacity", l4shmc_chunk_capacity(&chunk));
	l4shmc_connect_chunk_signal(&chunk, &ready_sig);
	l4shmc_mark_client_initialized(a);
	for (unsigned i = 0; i < ROUNDS; i++) {
		STEP(&cons, "wait_chunk", l4shmc_wait_chunk(&chunk));
		/* One trigger per ready chunk: it must be there now. */
		STEP(&cons, "take_for_reading after the signal", l4shmc_chunk_try_to_take_for_reading(&chunk));
		if (chunk._chunk->_status != L4SHMC_CHUNK_BUSY_READING)
			party_end(&cons, "status after take_for_reading", (long)chunk._chunk->_status);
		cons.bad += !shmc_test_check(&chunk, i);
		cons.waits++;
		l4shmc_chunk_consumed(&chunk);
		STEP(&cons, "trigger done", l4shmc_trigger(&done_sig));
		cons.rounds++;
	}
	party_end(&cons, NULL, 0);
}

static void report(const char *who, struct party *p)
{
	CHECK(!p->failed, "%s: every step succeeded%s%s (%ld)", who, p->failed ? "; failed at " : "",
	      p->failed ? p->failed : "", p->error);
}

int main(void)
{
	/* What a starter would create and pass. */
	l4_cap_idx_t ds = l4re_util_cap_alloc(), ds_ro = l4re_util_cap_alloc();
	l4_cap_idx_t irq_prod = l4re_util_cap_alloc(), irq_done = l4re_util_cap_alloc();
	CHECK(l4re_ma_alloc(AREA_SIZE, ds, 0) == 0, "a 16 KiB dataspace from moe");
	CHECK(l4_error(l4_task_map(L4RE_THIS_TASK_CAP, L4RE_THIS_TASK_CAP, l4_obj_fpage(ds, 0, L4_CAP_FPAGE_RO),
				   l4_map_obj_control(ds_ro, L4_MAP_ITEM_MAP))) == 0,
	      "a read-only capability to it");
	CHECK(l4_error(l4_factory_create_irq(l4re_env()->factory, irq_prod)) == 0 &&
	      l4_error(l4_factory_create_irq(l4re_env()->factory, irq_done)) == 0, "two IRQs");
	const char *names[] = { "shm", "shm_ro", "prod", "done" };
	l4_cap_idx_t caps[] = { ds, ds_ro, irq_prod, irq_done };
	shmc_test_env_add_caps(names, caps, 4);
	CHECK(l4re_env_get_cap("shm") == ds && l4re_env_get_cap("done") == irq_done, "named in our environment");

	/* Areas. */
	CHECK(l4shmc_create("nothere") == -L4_ENOENT, "create: no such capability: -L4_ENOENT");
	CHECK(l4shmc_create("shm_ro") == -L4_EPERM, "create: read-only dataspace: -L4_EPERM");
	CHECK(l4shmc_create("shm") == 0, "create \"shm\"");
	l4shmc_area_t area, ro;
	CHECK(l4shmc_attach("shm_ro", &ro) == -L4_EPERM, "attach: read-only dataspace: -L4_EPERM");
	CHECK(l4shmc_attach("nothere", &ro) == -L4_ENOENT, "attach: no such capability: -L4_ENOENT");
	CHECK(l4shmc_attach("shm", &area) == 0 && l4shmc_get_client_nr(&area) == 0, "attach: client number 0");
	CHECK(l4shmc_area_size(&area) == (long)AREA_SIZE, "area size %ld", l4shmc_area_size(&area));
	long overhead = l4shmc_area_overhead(), chunk_overhead = l4shmc_chunk_overhead();
	CHECK(overhead > 0 && chunk_overhead > (long)sizeof(l4shmc_chunk_desc_t) - 1 &&
	      l4shmc_area_size_free(&area) == (long)AREA_SIZE - overhead,
	      "empty area: all but the %ld byte header free (chunk overhead %ld)", overhead, chunk_overhead);
	const char *name = NULL;
	CHECK(l4shmc_iterate_chunk(&area, &name, 0) == 0, "no chunks to iterate yet");

	/* A chunk and its status word. */
	l4shmc_chunk_t ctl, again;
	CHECK(l4shmc_add_chunk(&area, "ctl", 13, &ctl) == 0, "add_chunk \"ctl\" of 13 bytes");
	CHECK(l4shmc_chunk_capacity(&ctl) == 16 && l4shmc_check_magic(&ctl) == 1 && l4shmc_is_chunk_clear(&ctl) &&
	      !l4shmc_is_chunk_ready(&ctl) && l4shmc_chunk_size(&ctl) == 0 && !l4shmc_chunk_signal(&ctl),
	      "capacity rounded to 16, magic, CLEAR, size 0, no signal");
	CHECK((char *)l4shmc_chunk_ptr(&ctl) == (char *)area._local_addr + overhead + sizeof(l4shmc_chunk_desc_t),
	      "the first chunk's payload follows the header and its descriptor");
	CHECK(ctl._chunk->_magic == 0xfedcba98 && ctl._chunk->_offset == (l4_addr_t)overhead &&
	      !strcmp(ctl._chunk->_name, "ctl"), "descriptor in the area: magic 0xfedcba98, offset, name");
	CHECK(l4shmc_add_chunk(&area, "ctl", 8, &again) == -L4_EEXIST, "the same name again: -L4_EEXIST");
	CHECK(l4shmc_add_chunk(&area, "a_name_too_long_", 8, &again) == -L4_EINVAL, "a 16-character name: -L4_EINVAL");
	CHECK(l4shmc_add_chunk(&area, "big", AREA_SIZE, &again) == -L4_ENOMEM, "more than the area: -L4_ENOMEM");
	CHECK(l4shmc_get_chunk(&area, "nope", &again) == -L4_ENOENT, "get_chunk of an unknown name: -L4_ENOENT");
	CHECK(l4shmc_get_chunk_to(&area, "nope", 20, &again) == -L4_ENOENT, "get_chunk_to of an unknown name, 20 ms: -L4_ENOENT");
	CHECK(l4shmc_get_chunk(&area, "ctl", &again) == 0 && l4shmc_chunk_ptr(&again) == l4shmc_chunk_ptr(&ctl) &&
	      l4shmc_chunk_capacity(&again) == 16, "get_chunk finds \"ctl\"");

	CHECK(l4shmc_chunk_try_to_take(&ctl) == 0 && ctl._chunk->_status == L4SHMC_CHUNK_BUSY_WRITING,
	      "try_to_take: CLEAR -> BUSY_WRITING");
	CHECK(l4shmc_chunk_try_to_take_for_writing(&ctl) == -L4_EPERM, "taken again: -L4_EPERM");
	CHECK(l4shmc_chunk_try_to_take_for_reading(&ctl) == -L4_EBUSY, "take for reading while written: -L4_EBUSY");
	memcpy(l4shmc_chunk_ptr(&ctl), "hello", 6);
	CHECK(l4shmc_chunk_ready(&ctl, 6) == 0 && l4shmc_is_chunk_ready(&again) && l4shmc_chunk_size(&again) == 6 &&
	      !strcmp(l4shmc_chunk_ptr(&again), "hello"), "ready(6): READY, size and payload seen through the other handle");
	CHECK(l4shmc_chunk_try_to_take(&ctl) == -L4_EPERM, "try_to_take on READY: -L4_EPERM");
	CHECK(l4shmc_chunk_try_to_take_for_overwriting(&ctl) == 0 && ctl._chunk->_status == L4SHMC_CHUNK_BUSY_WRITING,
	      "take for overwriting: READY -> BUSY_WRITING");
	l4shmc_chunk_ready(&ctl, 5);
	CHECK(l4shmc_chunk_try_to_take_for_reading(&again) == 0 && ctl._chunk->_status == L4SHMC_CHUNK_BUSY_READING,
	      "take for reading: READY -> BUSY_READING");
	CHECK(l4shmc_chunk_try_to_take_for_overwriting(&ctl) == -L4_EBUSY, "overwrite while read: -L4_EBUSY");
	CHECK(l4shmc_chunk_consumed(&again) == 0 && l4shmc_is_chunk_clear(&ctl), "consumed: CLEAR");
	ctl._chunk->_size = 1000;
	CHECK(l4shmc_chunk_size(&ctl) == -L4_EIO, "a size beyond the capacity: -L4_EIO");
	ctl._chunk->_size = 0;

	/* Signals. */
	l4shmc_signal_t sig, other, *got = NULL;
	CHECK(l4shmc_get_signal(&area, "nosig", &sig) == -L4_ENOENT, "get_signal of an unknown name: -L4_ENOENT");
	CHECK(l4shmc_attach_signal(&area, "nosig", l4re_env()->main_thread, &sig) == -L4_ENOENT,
	      "attach_signal of an unknown name: -L4_ENOENT");
	CHECK(l4shmc_wait_chunk_try(&ctl) == -L4_EINVAL && l4shmc_chunk_ready_sig(&ctl, 0) == -L4_EINVAL &&
	      l4shmc_enable_chunk(&ctl) == -L4_EINVAL, "wait/ready_sig/enable on a chunk without signal: -L4_EINVAL");
	CHECK(l4shmc_is_chunk_clear(&ctl), "ready_sig without a signal left the chunk CLEAR");
	CHECK(l4shmc_attach_signal(&area, "prod", l4re_env()->main_thread, &sig) == 0 &&
	      l4shmc_signal_cap(&sig) == irq_prod, "attach_signal \"prod\" to the main thread");
	CHECK(l4shmc_wait_signal_try(&sig) == IPC_TIMEOUT, "nothing pending: wait_signal_try gives the receive timeout (%ld)",
	      IPC_TIMEOUT);
	CHECK(l4shmc_trigger(&sig) == 0 && l4shmc_wait_signal_try(&sig) == 0, "trigger, then wait_signal_try: 0");
	l4shmc_connect_chunk_signal(&ctl, &sig);
	CHECK(l4shmc_chunk_signal(&ctl) == &sig, "connect_chunk_signal");
	CHECK(l4shmc_chunk_ready_sig(&ctl, 3) == 0 && l4shmc_wait_chunk_try(&ctl) == 0 &&
	      l4shmc_wait_chunk_try(&ctl) == IPC_TIMEOUT, "ready_sig triggers once: one wait_chunk_try succeeds");
	l4shmc_chunk_consumed(&ctl);
	CHECK(l4shmc_attach_signal(&area, "done", l4re_env()->main_thread, &other) == 0, "attach \"done\" as well");
	CHECK(l4shmc_enable_signal(&other) == 0 && l4shmc_trigger(&other) == 0 && l4shmc_wait_any_try(&got) == 0 &&
	      got == &other, "wait_any tells which signal came (its address is the label)");
	CHECK(l4shmc_trigger(&sig) == 0 && l4shmc_wait_any_to(L4_IPC_NEVER, &got) == 0 && got == &sig,
	      "wait_any_to, the other signal");
	got = NULL;
	CHECK(l4shmc_wait_any_try(&got) == IPC_TIMEOUT && !got, "nothing pending: wait_any_try times out, leaves *retsignal");

	/* Producer and consumer threads. */
	CHECK(l4shmc_mark_client_initialized(&area) == 0, "main thread marked initialised");
	CHECK(thread_start(producer, prod_stack, &prod.thread) == 0, "producer thread started");
	CHECK(thread_start(consumer, cons_stack, &cons.thread) == 0, "consumer thread started");
	/* Until both are done, or one failed (the other may then wait forever). */
	for (;;) {
		int pf = __atomic_load_n(&prod.finished, __ATOMIC_ACQUIRE), cf = __atomic_load_n(&cons.finished, __ATOMIC_ACQUIRE);
		if ((pf && cf) || (pf && prod.failed) || (cf && cons.failed))
			break;
		l4_sleep(5);
	}
	report("producer", &prod);
	report("consumer", &cons);
	CHECK(prod.rounds == ROUNDS && cons.rounds == ROUNDS && cons.waits == ROUNDS && cons.bad == 0,
	      "%u chunks of 8..256 bytes handed over, %u checked, %u differed (producer waited for \"done\" %u times)",
	      cons.rounds, cons.waits, cons.bad, prod.waits);
	long pn = l4shmc_get_client_nr(&prod.area), cn = l4shmc_get_client_nr(&cons.area);
	l4_umword_t mask = 0;
	CHECK(pn + cn == 3 && pn * cn == 2, "the threads are clients 1 and 2 (producer %ld, consumer %ld)", pn, cn);
	CHECK(l4shmc_get_initialized_clients(&area, &mask) == 0 && mask == 7, "initialised clients 0x%lx", mask);
	CHECK(l4shmc_is_chunk_clear(&again) && l4shmc_check_magic(&again), "\"ctl\" untouched by them");

	/* The list as all parties see it. */
	long it = l4shmc_iterate_chunk(&area, &name, 0);
	int order = it > 0 && !strcmp(name, "ctl");
	it = l4shmc_iterate_chunk(&area, &name, it);
	order &= it > 0 && !strcmp(name, "data");
	CHECK(order && l4shmc_iterate_chunk(&area, &name, it) == 0, "iterate: \"ctl\", \"data\", end");
	CHECK(l4shmc_iterate_chunk(&area, &name, -1) == -L4_EINVAL, "iterate from a negative offset: -L4_EINVAL");
	CHECK(l4shmc_iterate_chunk(&area, &name, 12345) == -L4_EINVAL, "iterate from an offset that is no chunk: -L4_EINVAL");

	/* Filling the area exactly. */
	long free_bytes = l4shmc_area_size_free(&area);
	CHECK(free_bytes == (long)AREA_SIZE - overhead - 2 * (long)sizeof(l4shmc_chunk_desc_t) - 16 - DATA_CAPACITY,
	      "free after two chunks: %ld bytes", free_bytes);
	l4shmc_chunk_t rest;
	CHECK(l4shmc_add_chunk(&area, "rest", free_bytes - chunk_overhead, &rest) == 0,
	      "a chunk of free - chunk_overhead fits");
	CHECK(l4shmc_add_chunk(&area, "more", 1, &again) == -L4_ENOMEM && l4shmc_area_size_free(&area) < chunk_overhead,
	      "then the area is full: -L4_ENOMEM (%ld bytes free)", l4shmc_area_size_free(&area));

	/* Damage in the shared list is reported, not followed. */
	l4_addr_t saved = ctl._chunk->_next;
	ctl._chunk->_next = 8;
	CHECK(l4shmc_get_chunk(&area, "rest", &again) == -L4_EIO && l4shmc_area_size_free(&area) == -L4_EIO,
	      "a link pointing backwards: -L4_EIO");
	ctl._chunk->_next = AREA_SIZE * 4;
	CHECK(l4shmc_add_chunk(&area, "x", 1, &again) == -L4_EIO, "a link beyond the area: -L4_EIO");
	ctl._chunk->_next = saved;
	CHECK(l4shmc_get_chunk(&area, "rest", &again) == 0, "repaired: found again");
	l4shmc_area_t copy = area;
	copy._client_nr = 64;
	CHECK(l4shmc_mark_client_initialized(&copy) == -L4_EINVAL, "client number 64 has no bit: -L4_EINVAL");
	CHECK(l4shmc_create("shm") == 0 && l4shmc_get_chunk(&area, "data", &again) == 0,
	      "create on the area in use changes nothing");
	L4TEST_DONE();
}
