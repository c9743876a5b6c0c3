/* IPC corner cases that tests/l4/ipc.c leaves out: send_and_wait (a send
 * to one partner, then an open wait that takes whoever comes), replies
 * that find nobody, replies after the caller gave up, a reply carrying a
 * capability with and without a receive buffer, a message too long for
 * the UTCB, and a server deleted while its caller waits. */
#include <string.h>
#include <l4/sys/ipc_gate.h>
#include <l4/sys/irq.h>
#include <l4/sys/rcv_endpoint.h>
#include <l4/sys/semaphore.h>
#include <l4/sys/kip.h>
#include "l4test.h"

/* Labels the server acts on. */
enum {
	OP_ECHO = 0x10,      /* reply label+1, word 0 + 1 */
	OP_SILENT = 0x20,    /* take the call, never answer it */
	OP_GIVE_CAP = 0x30,  /* reply with a capability item for given_cap */
	OP_NOTE = 0x40,      /* a send, not a call: note word 0 */
};

static char server_stack[16384] __attribute__((aligned(16)));
static char peer_stack[16384] __attribute__((aligned(16)));
static char victim_stack[16384] __attribute__((aligned(16)));
static l4_cap_idx_t main_gate, given_cap, sync_sem;
static volatile unsigned long noted, peer_err, peer_label, peer_word, victim_got_call;
static volatile int peer_ready;
static volatile l4_umword_t peer_word_to_send;

static void server(void)
{
	l4_umword_t label;
	l4_msgtag_t tag = l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
	for (;;) {
		l4_msg_regs_t *m = l4_utcb_mr();
		l4_msgtag_t reply = l4_msgtag(-L4_ENOSYS, 0, 0, 0);
		switch (l4_msgtag_label(tag)) {
		case OP_ECHO:
			m->mr[0] += 1;
			reply = l4_msgtag(OP_ECHO + 1, 1, 0, 0);
			break;
		case OP_SILENT:
			tag = l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
			continue;
		case OP_GIVE_CAP:
			m->mr[0] = l4_map_obj_control(0, L4_MAP_ITEM_MAP);
			m->mr[1] = l4_obj_fpage(given_cap, 0, L4_CAP_FPAGE_RWS).raw;
			reply = l4_msgtag(0, 0, 1, 0);
			break;
		case OP_NOTE:
			noted = m->mr[0];
			break;
		}
		tag = l4_ipc_reply_and_wait(l4_utcb(), reply, &label, L4_IPC_NEVER);
	}
}

/* The peer sends one message to the main thread's gate when told (a
 * call if peer_calls), notes how it ended and says so on done_sem. */
static l4_cap_idx_t done_sem;
static volatile int peer_calls;
static volatile l4_timeout_t peer_timeout;
static void peer(void)
{
	for (;;) {
		l4_semaphore_down(sync_sem, L4_IPC_NEVER);
		l4_utcb_mr()->mr[0] = peer_word_to_send;
		peer_ready = 1;
		l4_msgtag_t t = peer_calls ? l4_ipc_call(main_gate, l4_utcb(), l4_msgtag(0x77, 1, 0, 0), peer_timeout)
					   : l4_ipc_send(main_gate, l4_utcb(), l4_msgtag(0x77, 1, 0, 0), L4_IPC_NEVER);
		peer_err = l4_ipc_error(t, l4_utcb());
		peer_label = l4_msgtag_label(t);
		peer_word = l4_utcb_mr()->mr[0];
		l4_semaphore_up(done_sem);
	}
}

/* Takes one call and then sleeps without answering, until it is deleted. */
static void victim(void)
{
	l4_umword_t label;
	l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
	victim_got_call = 1;
	for (;;)
		l4_ipc_sleep(L4_IPC_NEVER);
}

static void peer_go(l4_umword_t word, int call, l4_timeout_t to)
{
	peer_word_to_send = word;
	peer_calls = call;
	peer_timeout = to;
	peer_ready = 0;
	l4_semaphore_up(sync_sem);
}

int main(void)
{
	l4_utcb_t *u = l4_utcb();
	l4_msg_regs_t *m = l4_utcb_mr();
	sync_sem = cap_alloc();
	done_sem = cap_alloc();
	l4_factory_create(L4_BASE_FACTORY_CAP, L4_PROTO_SEMAPHORE, sync_sem);
	l4_factory_create(L4_BASE_FACTORY_CAP, L4_PROTO_SEMAPHORE, done_sem);
	l4_cap_idx_t srv = start_thread(server, server_stack, sizeof server_stack);
	l4_cap_idx_t gate = cap_alloc();
	main_gate = cap_alloc();
	given_cap = cap_alloc();
	l4_factory_create_gate(L4_BASE_FACTORY_CAP, gate, srv, 0x100);
	l4_factory_create_gate(L4_BASE_FACTORY_CAP, main_gate, L4_BASE_THREAD_CAP, 0x300);
	l4_factory_create_irq(L4_BASE_FACTORY_CAP, given_cap);
	start_thread(peer, peer_stack, sizeof peer_stack);
	m->mr[0] = 41;
	l4_msgtag_t r = l4_ipc_call(gate, u, l4_msgtag(OP_ECHO, 1, 0, 0), L4_IPC_NEVER);
	CHECK(l4_msgtag_label(r) == OP_ECHO + 1 && m->mr[0] == 42, "set-up: the server answers a call");

	/* send_and_wait: the send goes to the server, the wait takes a
	 * message from somebody else (the peer, already queued at us). */
	peer_go(0xabc, 0, L4_IPC_NEVER);
	while (!peer_ready)
		l4_ipc_sleep_ms(1);
	l4_ipc_sleep_ms(20);     /* let the peer block in its send to us */
	m->mr[0] = 0x5150;
	l4_umword_t label = 0;
	r = l4_ipc_send_and_wait(gate, u, l4_msgtag(OP_NOTE, 1, 0, 0), &label, L4_IPC_NEVER);
	l4_umword_t w0 = m->mr[0];
	l4_semaphore_down(done_sem, L4_IPC_NEVER);
	CHECK(!l4_ipc_error(r, u) && l4_msgtag_label(r) == 0x77 && w0 == 0xabc,
	      "send_and_wait: the open wait got the peer's queued message (label %ld, word %lx)",
	      l4_msgtag_label(r), w0);
	CHECK((label & ~3UL) == 0x300, "... with our gate's label (%lx), not the server's", label);
	CHECK(peer_err == 0, "the peer's send completed");
	r = l4_ipc_call(gate, u, l4_msgtag(OP_ECHO, 1, 0, 0), L4_IPC_NEVER);   /* the server is past the note */
	CHECK(noted == 0x5150, "the send half reached the server (%lx)", noted);

	/* The wait half also takes a sender that comes later, and an IRQ. */
	l4_rcv_ep_bind_thread(given_cap, L4_BASE_THREAD_CAP, 0x440);
	l4_irq_trigger(given_cap);
	r = l4_ipc_send_and_wait(gate, u, l4_msgtag(OP_NOTE, 1, 0, 0), &label, L4_IPC_NEVER);
	CHECK(!l4_ipc_error(r, u) && label == 0x440, "send_and_wait's wait receives a pending IRQ (%lx)", label);
	l4_irq_detach(given_cap);

	/* A failed send phase ends the operation: no wait follows. */
	r = l4_ipc_send_and_wait(cap_alloc(), u, l4_msgtag(0, 0, 0, 0), &label, L4_IPC_NEVER);
	CHECK(l4_ipc_error(r, u) == L4_IPC_ENOT_EXISTENT && l4_ipc_is_snd_error(u),
	      "send_and_wait to an empty slot: ENOT_EXISTENT in the send phase, no wait");
	r = l4_ipc_send_and_wait(L4_BASE_THREAD_CAP, u, l4_msgtag(0, 0, 0, 0), &label,
				 l4_timeout(L4_IPC_TIMEOUT_0, L4_IPC_TIMEOUT_NEVER));
	CHECK(l4_ipc_error(r, u) == L4_IPC_SETIMEOUT,
	      "send_and_wait to a thread that is not receiving, send timeout 0: SETIMEOUT, no wait");

	/* reply_and_wait with nobody to answer still waits. */
	r = l4_ipc_reply_and_wait(u, l4_msgtag(0, 0, 0, 0), &label, L4_IPC_RECV_TIMEOUT_0);
	CHECK(l4_ipc_error(r, u) == L4_IPC_RETIMEOUT, "reply_and_wait without a caller: the wait runs (RETIMEOUT)");
	r = l4_ipc(L4_INVALID_CAP, u, L4_SYSF_REPLY, 0, l4_msgtag(0, 0, 0, 0), 0, L4_IPC_NEVER);
	CHECK(l4_ipc_error(r, u) == L4_IPC_ENOT_EXISTENT, "a bare reply without a caller: ENOT_EXISTENT");

	/* We serve one call of the peer; the reply goes exactly once. */
	peer_go(7, 1, L4_IPC_NEVER);
	r = l4_ipc_wait(u, &label, L4_IPC_NEVER);
	CHECK(l4_msgtag_label(r) == 0x77 && m->mr[0] == 7, "we receive the peer's call");
	m->mr[0] = 8;
	r = l4_ipc_reply_and_wait(u, l4_msgtag(0x78, 1, 0, 0), &label, L4_IPC_RECV_TIMEOUT_0);
	l4_semaphore_down(done_sem, L4_IPC_NEVER);
	CHECK(peer_err == 0 && peer_label == 0x78 && peer_word == 8, "the peer got our reply (label %lx, word %lu)",
	      peer_label, peer_word);
	r = l4_ipc(L4_INVALID_CAP, u, L4_SYSF_REPLY, 0, l4_msgtag(0x79, 0, 0, 0), 0, L4_IPC_NEVER);
	CHECK(l4_ipc_error(r, u) == L4_IPC_ENOT_EXISTENT, "a second reply to the same call: ENOT_EXISTENT");

	/* The caller gives up (receive timeout) before we answer. */
	peer_go(9, 1, l4_timeout(L4_IPC_TIMEOUT_NEVER, l4_timeout_from_us(10000)));
	r = l4_ipc_wait(u, &label, L4_IPC_NEVER);
	l4_semaphore_down(done_sem, L4_IPC_NEVER);
	CHECK(peer_err == L4_IPC_RETIMEOUT, "a call whose reply does not come in time: RETIMEOUT (%lx)", peer_err);
	r = l4_ipc(L4_INVALID_CAP, u, L4_SYSF_REPLY, 0, l4_msgtag(0x7a, 0, 0, 0), 0, L4_IPC_NEVER);
	CHECK(l4_ipc_error(r, u) == L4_IPC_ENOT_EXISTENT, "the late reply finds nobody: ENOT_EXISTENT");

	/* A call the server takes but never answers, with a receive timeout. */
	l4_kernel_info_t *kip = l4_kip();
	l4_cpu_time_t t0 = l4_kip_clock(kip);
	r = l4_ipc_call(gate, u, l4_msgtag(OP_SILENT, 0, 0, 0), l4_timeout(L4_IPC_TIMEOUT_NEVER, l4_timeout_from_us(10000)));
	l4_cpu_time_t t1 = l4_kip_clock(kip);
	CHECK(l4_ipc_error(r, u) == L4_IPC_RETIMEOUT && l4_ipc_is_rcv_error(u) && t1 - t0 >= 10000,
	      "call to a server that keeps silent: RETIMEOUT in the receive phase after %llu us",
	      (unsigned long long)(t1 - t0));
	m->mr[0] = 1;
	r = l4_ipc_call(gate, u, l4_msgtag(OP_ECHO, 1, 0, 0), L4_IPC_NEVER);
	CHECK(l4_msgtag_label(r) == OP_ECHO + 1 && m->mr[0] == 2, "the server still answers the next call");

	/* A call with receive timeout 0: the send happens, the reply cannot
	 * come in no time.  (This once left a zero deadline in the timer list.) */
	for (int i = 0; i < 3; i++) {
		m->mr[0] = 1;
		r = l4_ipc_call(gate, u, l4_msgtag(OP_ECHO, 1, 0, 0), L4_IPC_RECV_TIMEOUT_0);
	}
	CHECK(l4_ipc_error(r, u) == L4_IPC_RETIMEOUT, "a call with receive timeout 0: RETIMEOUT (%lx)", l4_ipc_error(r, u));
	r = l4_ipc_receive(srv, u, l4_timeout(L4_IPC_TIMEOUT_NEVER, l4_timeout_from_us(2000)));
	CHECK(l4_ipc_error(r, u) == L4_IPC_RETIMEOUT, "a later receive timeout still fires");
	m->mr[0] = 3;
	r = l4_ipc_call(gate, u, l4_msgtag(OP_ECHO, 1, 0, 0), L4_IPC_NEVER);
	CHECK(l4_msgtag_label(r) == OP_ECHO + 1 && m->mr[0] == 4, "the server answers the next full call");

	/* A reply with a capability: mapped where our buffer register says. */
	l4_cap_idx_t got = cap_alloc();
	l4_buf_regs_t *b = l4_utcb_br();
	b->bdr = 0;
	b->br[0] = got | L4_RCV_ITEM_SINGLE_CAP;
	r = l4_ipc_call(gate, u, l4_msgtag(OP_GIVE_CAP, 0, 0, 0), L4_IPC_NEVER);
	CHECK(!l4_ipc_error(r, u) && l4_msgtag_items(r) == 1, "a reply with one capability item arrives");
	CHECK(l4_msgtag_label(l4_task_cap_equal(L4_BASE_TASK_CAP, got, given_cap)) == 1,
	      "the received capability names the server's IRQ");
	b->br[0] = 0;
	r = l4_ipc_call(gate, u, l4_msgtag(OP_GIVE_CAP, 0, 0, 0), L4_IPC_NEVER);
	CHECK(l4_ipc_error(r, u) == L4_IPC_REMAPFAILED, "the same reply without a receive buffer: REMAPFAILED (%lx)",
	      l4_ipc_error(r, u));
	m->mr[0] = 5;
	r = l4_ipc_call(gate, u, l4_msgtag(OP_ECHO, 1, 0, 0), L4_IPC_NEVER);
	CHECK(l4_msgtag_label(r) == OP_ECHO + 1 && m->mr[0] == 6, "... and the server goes on serving");

	/* More words and items than the UTCB holds. */
	r = l4_ipc_call(gate, u, l4_msgtag(OP_ECHO, 63, 1, 0), L4_IPC_NEVER);
	CHECK(l4_ipc_error(r, u) == L4_IPC_SEMSGCUT, "63 words and 1 item: SEMSGCUT (%lx)", l4_ipc_error(r, u));
	m->mr[0] = 10;
	r = l4_ipc_call(gate, u, l4_msgtag(OP_ECHO, 1, 0, 0), L4_IPC_NEVER);
	CHECK(l4_msgtag_label(r) == OP_ECHO + 1 && m->mr[0] == 11, "the server was not disturbed by it");

	/* The server is deleted while a caller waits for its reply. */
	l4_cap_idx_t vic = start_thread(victim, victim_stack, sizeof victim_stack);
	l4_cap_idx_t vgate = cap_alloc();
	l4_factory_create_gate(L4_BASE_FACTORY_CAP, vgate, vic, 0x500);
	l4_cap_idx_t saved = main_gate;
	main_gate = vgate;             /* the peer calls the victim this time */
	peer_go(11, 1, L4_IPC_NEVER);
	while (!victim_got_call)
		l4_ipc_sleep_ms(1);
	l4_task_delete_obj(L4_BASE_TASK_CAP, vic);
	l4_semaphore_down(done_sem, L4_IPC_NEVER);
	main_gate = saved;
	CHECK(peer_err == (L4_IPC_ENOT_EXISTENT | 1), "deleting the server ends the caller's wait: receive-phase ENOT_EXISTENT (%lx)",
	      peer_err);
	r = l4_ipc_call(vgate, u, l4_msgtag(0, 0, 0, 0), L4_IPC_NEVER);
	CHECK(l4_ipc_error(r, u) == L4_IPC_ENOT_EXISTENT, "a gate bound to the deleted thread: ENOT_EXISTENT");
	L4TEST_DONE();
}
