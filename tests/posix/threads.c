/* POSIX threads through musl: four threads adding to a counter under a
 * mutex and joined (clone, the child-tid clear and futex wait/wake), a
 * condition variable ping-pong, pthread_self and __thread variables per
 * thread, and a timed condition wait that runs out.  Prints one line per
 * check; tests/run.sh compares the output on umol4 with the native run. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

enum { ADDERS = 4, ADDS = 10000, ROUNDS = 1000 };

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread long own = 7;
static __thread int own_array[16];

struct adder {
	pthread_t self;
	long own_after;
	int *array;
	long tid;
};

static void *add(void *arg)
{
	struct adder *a = arg;
	a->self = pthread_self();
	a->tid = syscall(SYS_gettid);
	for (int i = 0; i < ADDS; i++) {
		pthread_mutex_lock(&counter_lock);
		counter++;
		pthread_mutex_unlock(&counter_lock);
		own++;
	}
	a->own_after = own;
	a->array = own_array;
	return a;
}

static pthread_mutex_t pp_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pp_cond = PTHREAD_COND_INITIALIZER;
static int turn;           /* 0: main's turn, 1: the partner's */
static int partner_rounds;

static void *partner(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&pp_lock);
	for (int i = 0; i < ROUNDS; i++) {
		while (turn != 1)
			pthread_cond_wait(&pp_cond, &pp_lock);
		partner_rounds++;
		turn = 0;
		pthread_cond_signal(&pp_cond);
	}
	pthread_mutex_unlock(&pp_lock);
	return NULL;
}

static int64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int main(int argc, char **argv)
{
	set_root(argc, argv);

	struct adder adders[ADDERS];
	pthread_t th[ADDERS];
	int created = 0;
	for (int i = 0; i < ADDERS; i++)
		created += pthread_create(&th[i], NULL, add, &adders[i]) == 0;
	show("threads created", created);
	int joined = 0, returned = 0;
	for (int i = 0; i < ADDERS; i++) {
		void *r = NULL;
		joined += pthread_join(th[i], &r) == 0;
		returned += r == &adders[i];
	}
	show("threads joined", joined);
	show("each returned its argument", returned);
	show("counter", counter);

	int distinct_self = 1, distinct_tid = 1, distinct_array = 1, own_ok = 1;
	long main_tid = syscall(SYS_gettid);
	for (int i = 0; i < ADDERS; i++) {
		own_ok &= adders[i].own_after == 7 + ADDS;
		distinct_self &= !pthread_equal(adders[i].self, pthread_self()) && pthread_equal(adders[i].self, th[i]);
		distinct_tid &= adders[i].tid > 0 && adders[i].tid != main_tid && adders[i].tid != getpid();
		distinct_array &= adders[i].array != own_array;
		for (int j = 0; j < i; j++) {
			distinct_array &= adders[i].array != adders[j].array;
			distinct_tid &= adders[i].tid != adders[j].tid;
		}
	}
	yes("__thread counters separate per thread", own_ok);
	yes("main thread's __thread untouched", own == 7);
	yes("__thread addresses differ per thread", distinct_array);
	yes("pthread_self differs per thread, matches pthread_create", distinct_self);
	yes("gettid differs per thread and from the process", distinct_tid);
	yes("main thread's gettid is the process id", main_tid == getpid());

	pthread_t p;
	show("ping-pong partner created", pthread_create(&p, NULL, partner, NULL));
	int main_rounds = 0;
	pthread_mutex_lock(&pp_lock);
	for (int i = 0; i < ROUNDS; i++) {
		turn = 1;
		pthread_cond_signal(&pp_cond);
		while (turn != 0)
			pthread_cond_wait(&pp_cond, &pp_lock);
		main_rounds++;
	}
	pthread_mutex_unlock(&pp_lock);
	show("ping-pong partner joined", pthread_join(p, NULL));
	show("ping-pong rounds main", main_rounds);
	show("ping-pong rounds partner", partner_rounds);

	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c = PTHREAD_COND_INITIALIZER;
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_nsec += 20000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&m);
	int64_t t0 = now_ns();
	int r = pthread_cond_timedwait(&c, &m, &deadline);
	int64_t waited = now_ns() - t0;
	pthread_mutex_unlock(&m);
	yes("timed wait of 20 ms: ETIMEDOUT", r == ETIMEDOUT);
	yes("timed wait took at least 19 ms", waited >= 19000000);

	/* Threads that ended leave room: more than the UTCB area holds in all. */
	int again = 0;
	for (int i = 0; i < 100; i++) {
		pthread_t q;
		struct adder a;
		if (pthread_create(&q, NULL, add, &a) == 0 && pthread_join(q, NULL) == 0)
			again++;
	}
	show("100 more threads one after another", again);
	show("counter", counter);
	printf("done\n");
	return 0;
}
