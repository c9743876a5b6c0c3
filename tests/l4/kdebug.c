/* Kernel-debugger output and object names.  Every kdebug output call
 * writes one piece of a known line to umol4's output, which the test
 * runner compares; names set with l4_debugger_set_object_name come back
 * by global id and appear in umol4's trace and crash reports.  With the
 * argument "crash" the program ends with a page fault, after naming its
 * task and thread, so the runner can check the report names them. */
#include <string.h>
#include <l4/sys/kdebug.h>
#include <l4/sys/debugger.h>
#include <l4/sys/ipc_gate.h>
#include "l4test.h"

static char server_stack[16384] __attribute__((aligned(16)));

static void server(void)
{
	l4_umword_t label;
	l4_msgtag_t tag = l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
	for (;;)
		tag = l4_ipc_reply_and_wait(l4_utcb(), l4_msgtag(l4_msgtag_label(tag) + 1, 0, 0, 0), &label,
					    L4_IPC_NEVER);
}

static int name_is(l4_cap_idx_t obj, const char *want)
{
	char buf[64];
	memset(buf, 'x', sizeof buf);
	unsigned long id = l4_debugger_global_id(obj);
	if (id == ~0UL || l4_error(l4_debugger_get_object_name(L4_BASE_DEBUGGER_CAP, id, buf, sizeof buf)))
		return 0;
	return !strcmp(buf, want);
}

int main(int argc, char **argv)
{
	/* The runner looks for exactly this line in the output. */
	fflush(stdout);
	l4_kd_outstring("kdebug line: [");
	l4_kd_outchar('A');
	l4_kd_outhex32(0xdeadbeef);
	l4_kd_outhex20(0x12345);
	l4_kd_outhex16(0xbeef);
	l4_kd_outhex12(0xabc);
	l4_kd_outhex8(0x5a);
	l4_kd_outchar(' ');
	l4_kd_outdec(-42);
	l4_kd_outchar(' ');
	l4_kd_outnstring("xyzzy", 3);
	l4_kd_outhex64(0x0123456789abcdefULL);
	l4_kd_outstring("]\n");
	/* The names from before the 2025 rename reach the same output. */
	outstring("old names: ");
	outchar('B');
	outhex32(0x1234);
	outdec(7);
	outnstring("\n--", 1);
	enter_kdebug("kdebug enter text");

	l4_msg_regs_t *m = l4_utcb_mr();
	m->mr[0] = 0x1111;
	m->mr[1] = 0x2222;
	l4_kd_outchar('\n');
	CHECK(m->mr[0] == 0x1111 && m->mr[1] == 0x2222, "kdebug output keeps the message registers it used");

	/* Names by global id. */
	l4_cap_idx_t srv = start_thread(server, server_stack, sizeof server_stack);
	l4_cap_idx_t gate = cap_alloc();
	l4_factory_create_gate(L4_BASE_FACTORY_CAP, gate, srv, 0x40);
	CHECK(!l4_error(l4_debugger_set_object_name(L4_BASE_THREAD_CAP, "kdmain")) &&
	      !l4_error(l4_debugger_set_object_name(srv, "kdserver")) &&
	      !l4_error(l4_debugger_set_object_name(gate, "kdgate")), "named our thread, the server and a gate");
	CHECK(name_is(L4_BASE_THREAD_CAP, "kdmain") && name_is(srv, "kdserver") && name_is(gate, "kdgate"),
	      "each name comes back by the object's global id");
	unsigned long id_main = l4_debugger_global_id(L4_BASE_THREAD_CAP), id_gate = l4_debugger_global_id(gate);
	l4_cap_idx_t alias = cap_alloc();
	l4_task_map(L4_BASE_TASK_CAP, L4_BASE_TASK_CAP, l4_obj_fpage(gate, 0, L4_CAP_FPAGE_RWS),
		    l4_map_obj_control(alias, L4_MAP_ITEM_MAP));
	CHECK(id_main != id_gate && l4_debugger_global_id(alias) == id_gate,
	      "global ids: distinct objects differ, two capabilities of one object agree");
	CHECK(l4_debugger_global_id(cap_alloc()) == ~0UL, "global id of an empty slot: error");
	l4_debugger_set_object_name(gate, "a-much-longer-name-than-fits");
	char buf[64];
	l4_debugger_get_object_name(L4_BASE_DEBUGGER_CAP, id_gate, buf, sizeof buf);
	CHECK(buf[0] && !strncmp(buf, "a-much-longer-name-than-fits", strlen(buf)), "a long name is cut, not garbled (%s)",
	      buf);
	CHECK(l4_error(l4_debugger_get_object_name(L4_BASE_DEBUGGER_CAP, 0x7fffffff, buf, sizeof buf)) < 0,
	      "an unknown global id is an error");

	/* One call to the named server, for the IPC trace. */
	l4_msgtag_t r = l4_ipc_call(gate, l4_utcb(), l4_msgtag(0x41, 0, 0, 0), L4_IPC_NEVER);
	CHECK(l4_msgtag_label(r) == 0x42, "a call to the named server");
	if (argc > 1 && !strcmp(argv[1], "crash")) {
		l4_debugger_set_object_name(L4_BASE_TASK_CAP, "kdvictim");
		fflush(stdout);
		*(volatile int *)0x1000 = 1;   /* nothing is mapped there */
	}
	L4TEST_DONE();
}
