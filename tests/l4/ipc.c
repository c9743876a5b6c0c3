/* IPC between threads: call/reply over a gate with labels and words,
 * every timeout kind, error codes, open wait over gates and IRQs,
 * cancellation, rights on gate control, capability transfer and revocation. */
#include <string.h>
#include <l4/sys/ipc_gate.h>
#include <l4/sys/rcv_endpoint.h>
#include <l4/sys/irq.h>
#include <l4/sys/task.h>
#include <l4/sys/kip.h>
#include "l4test.h"

static char server_stack[16384] __attribute__((aligned(16)));
static char sleeper_stack[16384] __attribute__((aligned(16)));
static volatile unsigned long server_seen_label;

/* Echo server: replies with the words reversed and the label it saw in MR62. */
static void server(void)
{
	l4_umword_t label;
	l4_msgtag_t tag = l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
	for (;;) {
		l4_msg_regs_t *m = l4_utcb_mr();
		unsigned n = l4_msgtag_words(tag);
		if (n > 62)
			n = 62;
		for (unsigned i = 0; i < n / 2; i++) {
			l4_umword_t x = m->mr[i];
			m->mr[i] = m->mr[n - 1 - i];
			m->mr[n - 1 - i] = x;
		}
		m->mr[62] = label;
		server_seen_label = label;
		tag = l4_ipc_reply_and_wait(l4_utcb(), l4_msgtag(l4_msgtag_label(tag) + 1, 63, 0, 0), &label,
					    L4_IPC_NEVER);
	}
}

/* Blocks forever in an open wait; used for cancellation. */
static void sleeper(void)
{
	l4_umword_t label;
	for (;;) {
		l4_msgtag_t t = l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
		server_seen_label = 0xcafe0000 | l4_ipc_error(t, l4_utcb());
	}
}

int main(void)
{
	l4_cap_idx_t srv = start_thread(server, server_stack, sizeof server_stack);
	CHECK(l4_is_valid_cap(srv), "created and started a server thread");

	l4_cap_idx_t gate = cap_alloc();
	CHECK(!l4_error(l4_factory_create_gate(L4_BASE_FACTORY_CAP, gate, srv, 0x1230)),
	      "created a gate bound to the server with label 0x1230");

	/* call with 0, 2 and 63 words */
	l4_msg_regs_t *m = l4_utcb_mr();
	m->mr[0] = 1; m->mr[1] = 2;
	l4_msgtag_t r = l4_ipc_call(gate, l4_utcb(), l4_msgtag(7, 2, 0, 0), L4_IPC_NEVER);
	/* printf talks to the log through the UTCB too: copy the words first. */
	l4_umword_t w0 = m->mr[0], w1 = m->mr[1];
	CHECK(!l4_ipc_error(r, l4_utcb()), "call through the gate succeeds");
	CHECK(l4_msgtag_label(r) == 8 && l4_msgtag_words(r) == 63, "reply label and word count arrive");
	CHECK(w0 == 2 && w1 == 1, "the server saw our two words (reversed)");
	CHECK((m->mr[62] & ~3UL) == 0x1230, "the receiver sees the gate label");
	CHECK((m->mr[62] & 3) == (L4_CAP_FPAGE_W | L4_CAP_FPAGE_S), "the label's low bits carry our W and S rights");
	for (unsigned i = 0; i < 62; i++)
		m->mr[i] = 1000 + i;
	r = l4_ipc_call(gate, l4_utcb(), l4_msgtag(0, 62, 0, 0), L4_IPC_NEVER);
	CHECK(!l4_ipc_error(r, l4_utcb()) && m->mr[0] == 1061 && m->mr[61] == 1000, "62 words go and come back");
	r = l4_ipc_call(gate, l4_utcb(), l4_msgtag(0, 0, 0, 0), L4_IPC_NEVER);
	CHECK(!l4_ipc_error(r, l4_utcb()) && l4_msgtag_label(r) == 1, "a call with no words works");

	/* a capability without the S right cannot bind the gate */
	l4_cap_idx_t weak = cap_alloc();
	CHECK(!l4_error(l4_task_map(L4_BASE_TASK_CAP, L4_BASE_TASK_CAP,
				    l4_obj_fpage(gate, 0, L4_CAP_FPAGE_RO), weak | L4_ITEM_MAP)),
	      "mapped the gate again with read rights only");
	r = l4_ipc_call(weak, l4_utcb(), l4_msgtag(0, 0, 0, 0), L4_IPC_NEVER);
	CHECK(!l4_ipc_error(r, l4_utcb()) && (m->mr[62] & 3) == 0, "through the read-only copy the label has no W/S bits");
	l4_umword_t info_label = 0;
	r = l4_ipc_gate_get_infos(weak, &info_label);
	CHECK(l4_ipc_error(r, l4_utcb()) == 0 && info_label != 0x1230,
	      "get_infos without S is a message to the server, not gate control");
	r = l4_ipc_gate_get_infos(gate, &info_label);
	CHECK(!l4_error(r) && info_label == 0x1230, "get_infos with S returns the label");

	/* errors */
	r = l4_ipc_call(cap_alloc(), l4_utcb(), l4_msgtag(0, 0, 0, 0), L4_IPC_NEVER);
	long e1 = l4_ipc_error(r, l4_utcb()), e2 = l4_error(r);
	CHECK(e1 == L4_IPC_ENOT_EXISTENT, "call to an empty slot: ENOT_EXISTENT");
	CHECK(e2 == -(L4_EIPC_LO + L4_IPC_ENOT_EXISTENT), "l4_error maps it to -(2000+4)");
	l4_cap_idx_t unbound = cap_alloc();
	l4_factory_create_gate(L4_BASE_FACTORY_CAP, unbound, L4_INVALID_CAP, 0x40);
	r = l4_ipc_call(unbound, l4_utcb(), l4_msgtag(0, 0, 0, 0), L4_IPC_NEVER);
	CHECK(l4_ipc_error(r, l4_utcb()) == L4_IPC_ENOT_EXISTENT, "call to an unbound gate: ENOT_EXISTENT");

	/* timeouts */
	l4_kernel_info_t *kip = l4_kip();
	l4_cpu_time_t t0 = l4_kip_clock(kip);
	r = l4_ipc_receive(srv, l4_utcb(), l4_timeout(L4_IPC_TIMEOUT_NEVER, l4_timeout_from_us(10000)));
	l4_cpu_time_t t1 = l4_kip_clock(kip);
	CHECK(l4_ipc_error(r, l4_utcb()) == L4_IPC_RETIMEOUT, "receive with a 10 ms timeout: RETIMEOUT");
	CHECK(t1 - t0 >= 10000, "... and not before 10 ms (%llu us)", (unsigned long long)(t1 - t0));
	r = l4_ipc_receive(srv, l4_utcb(), L4_IPC_RECV_TIMEOUT_0);
	CHECK(l4_ipc_error(r, l4_utcb()) == L4_IPC_RETIMEOUT, "receive with timeout 0: RETIMEOUT at once");
	l4_cap_idx_t sl = start_thread(sleeper, sleeper_stack, sizeof sleeper_stack);
	r = l4_ipc_send(L4_BASE_THREAD_CAP, l4_utcb(), l4_msgtag(0, 0, 0, 0), L4_IPC_SEND_TIMEOUT_0);
	CHECK(l4_ipc_error(r, l4_utcb()) == L4_IPC_SETIMEOUT, "send to a thread that does not wait, timeout 0: SETIMEOUT");
	t0 = l4_kip_clock(kip);
	r = l4_ipc_send(L4_BASE_THREAD_CAP, l4_utcb(), l4_msgtag(0, 0, 0, 0),
			l4_timeout(l4_timeout_from_us(5000), L4_IPC_TIMEOUT_NEVER));
	t1 = l4_kip_clock(kip);
	CHECK(l4_ipc_error(r, l4_utcb()) == L4_IPC_SETIMEOUT && t1 - t0 >= 5000, "send timeout of 5 ms: SETIMEOUT after %llu us",
	      (unsigned long long)(t1 - t0));

	/* IRQs: open wait over an IRQ and a gate, distinct labels */
	l4_cap_idx_t irq = cap_alloc();
	CHECK(!l4_error(l4_factory_create_irq(L4_BASE_FACTORY_CAP, irq)), "created an IRQ");
	CHECK(!l4_error(l4_rcv_ep_bind_thread(irq, L4_BASE_THREAD_CAP, 0x5550)), "bound it to us with label 0x5550");
	CHECK(!l4_ipc_error(l4_irq_trigger(irq), l4_utcb()), "triggered it");
	l4_umword_t label = 0;
	r = l4_ipc_wait(l4_utcb(), &label, L4_IPC_RECV_TIMEOUT_0);
	CHECK(!l4_ipc_error(r, l4_utcb()) && label == 0x5550, "open wait receives the IRQ with its label (%lx)", label);
	r = l4_ipc_wait(l4_utcb(), &label, L4_IPC_RECV_TIMEOUT_0);
	CHECK(l4_ipc_error(r, l4_utcb()) == L4_IPC_RETIMEOUT, "one trigger, one message");
	l4_irq_trigger(irq);
	r = l4_irq_receive(irq, L4_IPC_NEVER);
	CHECK(!l4_ipc_error(r, l4_utcb()), "l4_irq_receive gets a pending trigger");
	l4_cap_idx_t mygate = cap_alloc();
	l4_factory_create_gate(L4_BASE_FACTORY_CAP, mygate, L4_BASE_THREAD_CAP, 0x7770);
	l4_irq_trigger(irq);
	r = l4_ipc_send(mygate, l4_utcb(), l4_msgtag(0, 0, 0, 0), L4_IPC_SEND_TIMEOUT_0);
	CHECK(l4_ipc_error(r, l4_utcb()) == L4_IPC_SETIMEOUT, "we cannot send to ourselves without waiting");

	/* cancellation: the sleeper waits forever; ex_regs CANCEL ends it */
	server_seen_label = 0;
	l4_umword_t fl = 0, ip = ~0UL, sp = ~0UL;
	r = l4_thread_ex_regs_ret(sl, &ip, &sp, &fl);
	(void)r;
	r = l4_thread_ex_regs(sl, ~0UL, ~0UL, L4_THREAD_EX_REGS_CANCEL);
	CHECK(!l4_error(r), "ex_regs with CANCEL on a waiting thread");
	l4_ipc_sleep_ms(5);
	CHECK(server_seen_label == (0xcafe0000 | L4_IPC_RECANCELED), "the waiter returned with RECANCELED (%lx)",
	      server_seen_label);

	/* capabilities: map into a new slot, derive again, revoke recursively */
	l4_cap_idx_t a = cap_alloc(), b = cap_alloc();
	l4_task_map(L4_BASE_TASK_CAP, L4_BASE_TASK_CAP, l4_obj_fpage(gate, 0, L4_CAP_FPAGE_RWS), a | L4_ITEM_MAP);
	l4_task_map(L4_BASE_TASK_CAP, L4_BASE_TASK_CAP, l4_obj_fpage(a, 0, L4_CAP_FPAGE_RWS), b | L4_ITEM_MAP);
	CHECK(l4_task_cap_valid(L4_BASE_TASK_CAP, b).raw > 0 || l4_msgtag_label(l4_task_cap_valid(L4_BASE_TASK_CAP, b)) > 0,
	      "a capability derived twice is valid");
	CHECK(l4_msgtag_label(l4_task_cap_equal(L4_BASE_TASK_CAP, b, gate)) == 1, "and names the same gate");
	l4_task_unmap(L4_BASE_TASK_CAP, l4_obj_fpage(gate, 0, L4_CAP_FPAGE_RWSD), L4_FP_OTHER_SPACES);
	CHECK(l4_msgtag_label(l4_task_cap_valid(L4_BASE_TASK_CAP, a)) == 0 &&
	      l4_msgtag_label(l4_task_cap_valid(L4_BASE_TASK_CAP, b)) == 0, "unmapping the original revokes both derived caps");
	CHECK(l4_msgtag_label(l4_task_cap_valid(L4_BASE_TASK_CAP, gate)) == 1, "... and keeps the original");
	r = l4_ipc_call(b, l4_utcb(), l4_msgtag(0, 0, 0, 0), L4_IPC_NEVER);
	CHECK(l4_ipc_error(r, l4_utcb()) == L4_IPC_ENOT_EXISTENT, "a call through a revoked cap fails");
	l4_task_delete_obj(L4_BASE_TASK_CAP, gate);
	r = l4_ipc_call(gate, l4_utcb(), l4_msgtag(0, 0, 0, 0), L4_IPC_NEVER);
	CHECK(l4_ipc_error(r, l4_utcb()) == L4_IPC_ENOT_EXISTENT, "after delete_obj the gate is gone");
	L4TEST_DONE();
}
