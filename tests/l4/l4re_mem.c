/* Memory and sharing under moe, from a program moe launched: a dataspace
 * shared with a child this program starts itself with the launcher (the
 * child writes, we read through our own mapping), the child's exit code,
 * a namespace register and query, a quota factory that refuses, and
 * memory going back to moe when the last capability to a dataspace is
 * dropped (moe's debug query).  Run as "l4re_mem"; the child is the same
 * binary with argument "child". */
#include <stdbool.h>
#include <string.h>
#include <l4/re/protocols.h>
#include <l4/re/env.h>
#include <l4/re/c/dataspace.h>
#include <l4/re/c/mem_alloc.h>
#include <l4/re/c/namespace.h>
#include <l4/re/c/rm.h>
#include <l4/re/c/util/cap_alloc.h>
#include <l4/sys/err.h>
#include <l4/umol4/launch.h>
#include <l4/umol4/moe.h>
#include "l4test.h"

#define SHARED_SIZE (64UL << 10)

static int child(void)
{
	l4_cap_idx_t shm = l4re_env_get_cap("shm");
	void *at = 0;
	if (l4_is_invalid_cap(shm) ||
	    l4re_rm_attach(&at, SHARED_SIZE, L4RE_RM_F_RW | L4RE_RM_F_SEARCH_ADDR, shm, 0, 12) < 0)
		return 3;
	for (unsigned long i = 0; i < SHARED_SIZE; i += 4096)
		((volatile unsigned char *)at)[i] = (unsigned char)(0xa0 + i / 4096);
	printf("child wrote the shared dataspace\n");
	return 42;
}

static unsigned long moe_free(void)
{
	unsigned long f = 0, t = 0;
	umol4_moe_meminfo(l4re_env()->mem_alloc, &f, &t);
	return f;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child"))
		return child();

	/* A dataspace shared with a child. */
	l4_cap_idx_t ds = l4re_util_cap_alloc();
	CHECK(l4re_ma_alloc(SHARED_SIZE, ds, 0) == 0, "a 64 KiB dataspace from moe");
	void *at = 0;
	CHECK(l4re_rm_attach(&at, SHARED_SIZE, L4RE_RM_F_RW | L4RE_RM_F_SEARCH_ADDR, ds, 0, 12) == 0,
	      "attached here at %p", at);
	l4_cap_idx_t bin = l4re_util_cap_alloc();
	CHECK(l4re_ns_query_srv(l4re_env_get_cap("rom"), "l4re_mem", bin) == 0, "rom/l4re_mem found");
	struct umol4_launch_params p;
	umol4_launch_params_init(&p);
	const char *args[] = { "l4re_mem", "child", NULL };
	struct umol4_launch_cap caps[] = { { "shm", ds, L4_CAP_FPAGE_RW } };
	p.binary = bin;
	p.argv = args;
	p.caps = caps;
	p.num_caps = 1;
	p.log_tag = "child";
	p.log_color = "g";
	struct umol4_child *c = NULL;
	int r = umol4_launch(&p, &c);
	CHECK(r == 0, "launched the child (%d)", r);
	int code = -1;
	if (c) {
		CHECK(umol4_child_wait(c, ~0UL, &code) == UMOL4_CHILD_EXITED && code == 42,
		      "the child's exit code reaches the launcher (%d)", code);
		bool same = true;
		for (unsigned long i = 0; i < SHARED_SIZE; i += 4096)
			same &= ((volatile unsigned char *)at)[i] == (unsigned char)(0xa0 + i / 4096);
		CHECK(same, "what the child wrote is visible through our own mapping");
		umol4_child_release(c);
	}

	/* Namespaces. */
	l4_cap_idx_t ns = l4re_util_cap_alloc(), back = l4re_util_cap_alloc();
	CHECK(l4_error(l4_factory_create(l4re_env()->mem_alloc, L4RE_PROTO_NAMESPACE, ns)) == 0, "a new namespace");
	CHECK(l4re_ns_register_obj_srv(ns, "shared", ds, L4RE_NS_REGISTER_RW) == 0, "registered \"shared\"");
	CHECK(l4re_ns_register_obj_srv(ns, "shared", ds, L4RE_NS_REGISTER_RW) == -L4_EEXIST, "twice: -L4_EEXIST");
	CHECK(l4re_ns_query_srv(ns, "shared", back) == 0 && l4re_ds_size(back) == SHARED_SIZE,
	      "queried back: a 64 KiB dataspace");
	CHECK(l4re_ns_query_srv(ns, "nothing", back) == -L4_ENOENT, "an unknown name: -L4_ENOENT");
	CHECK(l4re_ns_register_obj_srv(l4re_env_get_cap("rom"), "x", ds, L4RE_NS_REGISTER_RW) == -L4_EPERM,
	      "rom is read-only: -L4_EPERM");

	/* A quota. */
	l4_cap_idx_t q = l4re_util_cap_alloc(), d1 = l4re_util_cap_alloc(), d2 = l4re_util_cap_alloc();
	l4_utcb_t *u = l4_utcb();
	l4_msgtag_t t = l4_factory_create_start_u(L4_PROTO_FACTORY, q, u);
	l4_factory_create_add_uint_u(64 << 10, &t, u);
	CHECK(l4_error(l4_factory_create_commit_u(l4re_env()->mem_alloc, t, u)) == 0, "a factory with a 64 KiB quota");
	CHECK(l4re_ma_alloc_srv(q, 48 << 10, d1, 0) == 0, "48 KiB from it");
	CHECK(l4re_ma_alloc_srv(q, 32 << 10, d2, 0) == -L4_ENOMEM, "32 KiB more: -L4_ENOMEM");

	/* Memory comes back when the last capability goes. */
	l4_cap_idx_t big = l4re_util_cap_alloc();
	void *bat = 0;
	l4re_ma_alloc(1 << 20, big, 0);
	l4re_rm_attach(&bat, 1 << 20, L4RE_RM_F_RW | L4RE_RM_F_SEARCH_ADDR, big, 0, 12);
	for (unsigned long i = 0; i < (1 << 20); i += 4096)
		((volatile char *)bat)[i] = 1;
	unsigned long used = moe_free();
	l4re_rm_detach(bat);
	l4re_util_cap_free_um(big);
	unsigned long after = moe_free();
	/* moe frees on the kernel's delete IRQ, which may come a moment later. */
	for (int i = 0; i < 1000 && after < used + (1 << 20); i++) {
		l4_ipc_sleep_ms(1);
		after = moe_free();
	}
	CHECK(after >= used + (1 << 20), "1 MiB back in moe's pool after the capability is dropped (%lu -> %lu KiB)",
	      used >> 10, after >> 10);
	L4TEST_DONE();
}
