/* Recursive capability revocation over three tasks.  We (A) map an IPC
 * gate and an IRQ to task B; B's own thread maps them on to task C.
 * Rights reductions and unmaps in A reach B and C; an unmap in B reaches
 * only C; A keeps its capability unless L4_FP_ALL_SPACES; delete_obj with
 * the D right deletes the object for everybody, without it only unmaps.
 * Each claim is checked twice: by l4_task_cap_valid on the other task
 * and by an IPC its thread makes through the capability. */
#include <l4/sys/ipc_gate.h>
#include <l4/sys/irq.h>
#include <l4/sys/rcv_endpoint.h>
#include "l4test.h"

enum { W_CALL = 1, W_TRIGGER, W_MAP, W_UNMAP, W_DELETE };
#define SLOT_C   (0x51UL << L4_CAP_SHIFT)   /* C's task capability in B */
#define SLOT_G   (0x60UL << L4_CAP_SHIFT)   /* the gate, in B and in C */
#define SLOT_I   (0x61UL << L4_CAP_SHIFT)   /* the IRQ, in B and in C */

static char echo_stack[16384] __attribute__((aligned(16)));
static char b_stack[16384] __attribute__((aligned(16)));
static char c_stack[16384] __attribute__((aligned(16)));

/* Answers each call with the label it saw (gate label | sender's W/S). */
static void echo(void)
{
	l4_umword_t label;
	l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
	for (;;) {
		l4_utcb_mr()->mr[0] = label;
		l4_ipc_reply_and_wait(l4_utcb(), l4_msgtag(0, 1, 0, 0), &label, L4_IPC_NEVER);
	}
}

/* A thread in B or C: does what our call says with its own capabilities
 * and answers with the IPC error (or label) and one more word. */
static void worker(void)
{
	l4_umword_t label;
	l4_msgtag_t t = l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
	for (;;) {
		l4_msg_regs_t *m = l4_utcb_mr();
		l4_umword_t op = m->mr[0], cap = m->mr[1], a = m->mr[2], b = m->mr[3], res = ~0UL, extra = 0;
		(void)t;
		switch (op) {
		case W_CALL: {
			l4_msgtag_t r = l4_ipc_call(cap, l4_utcb(), l4_msgtag(0, 0, 0, 0), L4_IPC_NEVER);
			res = l4_ipc_error(r, l4_utcb());
			extra = l4_utcb_mr()->mr[0];
			break;
		}
		case W_TRIGGER:
			res = l4_ipc_error(l4_irq_trigger(cap), l4_utcb());
			break;
		case W_MAP:   /* cap with rights a to task b, same slot */
			res = l4_error(l4_task_map(b, L4_BASE_TASK_CAP, l4_obj_fpage(cap, 0, a),
						   l4_map_obj_control(cap, L4_MAP_ITEM_MAP)));
			break;
		case W_UNMAP:
			res = l4_error(l4_task_unmap(L4_BASE_TASK_CAP, l4_obj_fpage(cap, 0, L4_CAP_FPAGE_RWSD), a));
			break;
		case W_DELETE:
			res = l4_error(l4_task_delete_obj(L4_BASE_TASK_CAP, cap));
			break;
		}
		m = l4_utcb_mr();
		m->mr[0] = res;
		m->mr[1] = extra;
		t = l4_ipc_reply_and_wait(l4_utcb(), l4_msgtag(0, 2, 0, 0), &label, L4_IPC_NEVER);
	}
}

static l4_umword_t last_extra;
static long ask(l4_cap_idx_t worker_thread, l4_umword_t op, l4_cap_idx_t cap, l4_umword_t a, l4_umword_t b)
{
	l4_msg_regs_t *m = l4_utcb_mr();
	m->mr[0] = op;
	m->mr[1] = cap;
	m->mr[2] = a;
	m->mr[3] = b;
	l4_msgtag_t r = l4_ipc_call(worker_thread, l4_utcb(), l4_msgtag(0, 4, 0, 0), L4_IPC_NEVER);
	if (l4_ipc_error(r, l4_utcb()))
		return -1000;
	last_extra = m->mr[1];
	return (long)m->mr[0];
}

static int valid(l4_cap_idx_t task, l4_cap_idx_t cap)
{
	return l4_msgtag_label(l4_task_cap_valid(task, cap)) == 1;
}

static void give(l4_cap_idx_t task, l4_cap_idx_t cap, unsigned rights, l4_cap_idx_t slot)
{
	l4_task_map(task, L4_BASE_TASK_CAP, l4_obj_fpage(cap, 0, rights), l4_map_obj_control(slot, L4_MAP_ITEM_MAP));
}

int main(void)
{
	l4_cap_idx_t srv = start_thread(echo, echo_stack, sizeof echo_stack);
	l4_cap_idx_t b = create_task_sharing_image(), c = create_task_sharing_image();
	CHECK(l4_is_valid_cap(b) && l4_is_valid_cap(c), "tasks B and C share our image");
	/* B gets its own task capability and C's, so its thread can map. */
	give(b, b, L4_CAP_FPAGE_RWS, L4_BASE_TASK_CAP);
	give(b, c, L4_CAP_FPAGE_RWS, SLOT_C);
	give(c, c, L4_CAP_FPAGE_RWS, L4_BASE_TASK_CAP);
	l4_cap_idx_t wb = start_thread_in(b, 0, worker, b_stack, sizeof b_stack);
	l4_cap_idx_t wc = start_thread_in(c, 0, worker, c_stack, sizeof c_stack);
	CHECK(l4_is_valid_cap(wb) && l4_is_valid_cap(wc), "a worker thread runs in B and in C");

	l4_cap_idx_t g = cap_alloc(), irq = cap_alloc();
	l4_factory_create_gate(L4_BASE_FACTORY_CAP, g, srv, 0x1000);
	l4_factory_create_irq(L4_BASE_FACTORY_CAP, irq);
	l4_rcv_ep_bind_thread(irq, L4_BASE_THREAD_CAP, 0x2220);

	/* A -> B -> C, all rights, B's own thread doing the second step. */
	give(b, g, L4_CAP_FPAGE_RWSD, SLOT_G);
	give(b, irq, L4_CAP_FPAGE_RWSD, SLOT_I);
	CHECK(ask(wb, W_MAP, SLOT_G, L4_CAP_FPAGE_RWSD, SLOT_C) == 0 && ask(wb, W_MAP, SLOT_I, L4_CAP_FPAGE_RWSD, SLOT_C) == 0,
	      "B maps the gate and the IRQ on to C");
	CHECK(valid(b, SLOT_G) && valid(c, SLOT_G) && valid(c, SLOT_I), "both are valid in B and C");
	CHECK(ask(wc, W_CALL, SLOT_G, 0, 0) == 0 && last_extra == (0x1000 | L4_CAP_FPAGE_W | L4_CAP_FPAGE_S),
	      "C calls through the gate; the server sees W and S (%lx)", last_extra);
	CHECK(ask(wc, W_TRIGGER, SLOT_I, 0, 0) == 0 && !l4_ipc_error(l4_irq_receive(irq, L4_IPC_RECV_TIMEOUT_0), l4_utcb()),
	      "C triggers the IRQ; we receive it");

	/* Rights reduction in A reaches B and C; A keeps its rights. */
	l4_task_unmap(L4_BASE_TASK_CAP, l4_obj_fpage(g, 0, L4_CAP_FPAGE_W), L4_FP_OTHER_SPACES);
	long rc = ask(wc, W_CALL, SLOT_G, 0, 0);
	l4_umword_t seen_c = last_extra;
	long rb = ask(wb, W_CALL, SLOT_G, 0, 0);
	CHECK(rc == 0 && seen_c == (0x1000 | L4_CAP_FPAGE_S) && rb == 0 && last_extra == (0x1000 | L4_CAP_FPAGE_S),
	      "revoking W in A: B and C still call, without W (%lx %lx)", seen_c, last_extra);
	l4_msgtag_t r = l4_ipc_call(g, l4_utcb(), l4_msgtag(0, 0, 0, 0), L4_IPC_NEVER);
	CHECK(!l4_ipc_error(r, l4_utcb()) && l4_utcb_mr()->mr[0] == (0x1000 | L4_CAP_FPAGE_W | L4_CAP_FPAGE_S),
	      "... A keeps W");

	/* Unmap in A (others only): gone in B and C, kept in A. */
	l4_task_unmap(L4_BASE_TASK_CAP, l4_obj_fpage(g, 0, L4_CAP_FPAGE_RWSD), L4_FP_OTHER_SPACES);
	CHECK(!valid(b, SLOT_G) && !valid(c, SLOT_G), "unmap in A revokes the gate in B and C (cap_valid)");
	CHECK(ask(wc, W_CALL, SLOT_G, 0, 0) == L4_IPC_ENOT_EXISTENT && ask(wb, W_CALL, SLOT_G, 0, 0) == L4_IPC_ENOT_EXISTENT,
	      "... and their calls through it fail with ENOT_EXISTENT");
	CHECK(valid(L4_BASE_TASK_CAP, g) && !l4_ipc_error(l4_ipc_call(g, l4_utcb(), l4_msgtag(0, 0, 0, 0), L4_IPC_NEVER), l4_utcb()),
	      "A's own capability stays and works");

	/* Unmap in the middle (B): only C loses it. */
	CHECK(ask(wb, W_UNMAP, SLOT_I, L4_FP_OTHER_SPACES, 0) == 0 && !valid(c, SLOT_I) && valid(b, SLOT_I),
	      "B unmaps the IRQ from others: C loses it, B keeps it");
	CHECK(ask(wc, W_TRIGGER, SLOT_I, 0, 0) == L4_IPC_ENOT_EXISTENT && ask(wb, W_TRIGGER, SLOT_I, 0, 0) == 0,
	      "C's trigger fails (ENOT_EXISTENT), B's works");
	l4_irq_receive(irq, L4_IPC_RECV_TIMEOUT_0);
	/* With L4_FP_ALL_SPACES A loses its own capability too. */
	l4_task_unmap(L4_BASE_TASK_CAP, l4_obj_fpage(irq, 0, L4_CAP_FPAGE_RWSD), L4_FP_ALL_SPACES);
	CHECK(!valid(L4_BASE_TASK_CAP, irq) && !valid(b, SLOT_I), "unmap with L4_FP_ALL_SPACES: gone in A and B");
	CHECK(ask(wb, W_TRIGGER, SLOT_I, 0, 0) == L4_IPC_ENOT_EXISTENT, "... B's trigger fails");

	/* delete_obj through C's capability (it has D): gone for everybody. */
	l4_cap_idx_t g2 = cap_alloc(), alias = cap_alloc();
	l4_factory_create_gate(L4_BASE_FACTORY_CAP, g2, srv, 0x3000);
	give(L4_BASE_TASK_CAP, g2, L4_CAP_FPAGE_RWS, alias);
	give(b, g2, L4_CAP_FPAGE_RWSD, SLOT_G);
	ask(wb, W_MAP, SLOT_G, L4_CAP_FPAGE_RWSD, SLOT_C);
	CHECK(valid(c, SLOT_G) && ask(wc, W_CALL, SLOT_G, 0, 0) == 0, "a second gate reaches C with the D right");
	CHECK(ask(wc, W_DELETE, SLOT_G, 0, 0) == 0, "C deletes the object");
	CHECK(!valid(L4_BASE_TASK_CAP, g2) && !valid(L4_BASE_TASK_CAP, alias) && !valid(b, SLOT_G) && !valid(c, SLOT_G),
	      "the gate is gone in A (both capabilities), B and C");
	r = l4_ipc_call(alias, l4_utcb(), l4_msgtag(0, 0, 0, 0), L4_IPC_NEVER);
	CHECK(l4_ipc_error(r, l4_utcb()) == L4_IPC_ENOT_EXISTENT && ask(wb, W_CALL, SLOT_G, 0, 0) == L4_IPC_ENOT_EXISTENT,
	      "calls through any of them fail with ENOT_EXISTENT");

	/* delete_obj without D only removes the deleter's own capability. */
	l4_cap_idx_t g3 = cap_alloc();
	l4_factory_create_gate(L4_BASE_FACTORY_CAP, g3, srv, 0x4000);
	give(b, g3, L4_CAP_FPAGE_RWS, SLOT_G);
	ask(wb, W_MAP, SLOT_G, L4_CAP_FPAGE_RWS, SLOT_C);
	CHECK(ask(wb, W_DELETE, SLOT_G, 0, 0) == 0 && !valid(b, SLOT_G) && !valid(c, SLOT_G),
	      "B's delete_obj without D: B's capability and C's (derived) go");
	r = l4_ipc_call(g3, l4_utcb(), l4_msgtag(0, 0, 0, 0), L4_IPC_NEVER);
	l4_umword_t err = l4_ipc_error(r, l4_utcb()), seen = l4_utcb_mr()->mr[0];
	CHECK(valid(L4_BASE_TASK_CAP, g3) && !err && seen == 0x4003, "... the object lives on in A (error %lx, label %lx)",
	      err, seen);
	L4TEST_DONE();
}
