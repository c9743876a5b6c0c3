/* Gate deletion notification, the way moe learns that a dataspace's last
 * client capability is gone: the server lowers the gate's reference count
 * by its own capability (l4_kobject_dec_refcnt), registers an IRQ with
 * l4_thread_register_del_irq, and the IRQ fires when the last other
 * capability to a gate bound to the thread disappears. */
#include <l4/sys/irq.h>
#include <l4/sys/ipc_gate.h>
#include <l4/sys/kernel_object.h>
#include <l4/sys/rcv_endpoint.h>
#include "l4test.h"

static int irq_pending(l4_cap_idx_t irq)
{
	return !l4_ipc_error(l4_irq_receive(irq, L4_IPC_RECV_TIMEOUT_0), l4_utcb());
}

int main(void)
{
	l4_cap_idx_t irq = cap_alloc(), gate = cap_alloc(), client = cap_alloc(), client2 = cap_alloc();
	CHECK(!l4_error(l4_factory_create_irq(L4_BASE_FACTORY_CAP, irq)), "IRQ created");
	CHECK(!l4_error(l4_rcv_ep_bind_thread(irq, L4_BASE_THREAD_CAP, 0x50)), "IRQ bound to this thread");
	CHECK(!l4_error(l4_thread_register_del_irq(L4_BASE_THREAD_CAP, irq)), "registered as the delete IRQ");
	CHECK(!l4_error(l4_factory_create_gate(L4_BASE_FACTORY_CAP, gate, L4_BASE_THREAD_CAP, 0x40)), "gate created");

	/* Without dec_refcnt the server's own capability keeps the gate. */
	l4_task_map(L4_BASE_TASK_CAP, L4_BASE_TASK_CAP, l4_obj_fpage(gate, 0, L4_CAP_FPAGE_RW), client | L4_ITEM_MAP);
	l4_task_release_cap(L4_BASE_TASK_CAP, client);
	CHECK(!irq_pending(irq) && l4_msgtag_label(l4_task_cap_valid(L4_BASE_TASK_CAP, gate)) == 1,
	      "dropping a client capability alone deletes nothing");

	CHECK(!l4_error(l4_task_map(L4_BASE_TASK_CAP, L4_BASE_TASK_CAP, l4_obj_fpage(gate, 0, L4_CAP_FPAGE_RW),
				    client | L4_ITEM_MAP)), "a client capability mapped");
	l4_task_map(L4_BASE_TASK_CAP, L4_BASE_TASK_CAP, l4_obj_fpage(gate, 0, L4_CAP_FPAGE_RW), client2 | L4_ITEM_MAP);
	CHECK(!l4_error(l4_kobject_dec_refcnt(gate, 1)), "dec_refcnt(gate, 1)");
	CHECK(l4_msgtag_label(l4_task_cap_valid(L4_BASE_TASK_CAP, gate)) == 1 && !irq_pending(irq),
	      "the gate lives while clients hold it");
	l4_task_release_cap(L4_BASE_TASK_CAP, client);
	CHECK(l4_msgtag_label(l4_task_cap_valid(L4_BASE_TASK_CAP, gate)) == 1 && !irq_pending(irq),
	      "one of two client capabilities dropped: still alive");
	l4_task_release_cap(L4_BASE_TASK_CAP, client2);
	CHECK(irq_pending(irq), "the last client capability dropped: the delete IRQ fired");
	CHECK(l4_msgtag_label(l4_task_cap_valid(L4_BASE_TASK_CAP, gate)) == 0, "the server's capability is invalid now");
	CHECK(!irq_pending(irq), "the IRQ fired once");
	L4TEST_DONE();
}
