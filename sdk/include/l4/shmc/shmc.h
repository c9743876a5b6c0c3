/* libshmc: shared-memory communication between tasks (L4Re 23.04 C API).
 *
 * An area is one dataspace, shared by every party.  It holds named chunks,
 * fixed-capacity buffers each with a status word through which a producer
 * and a consumer hand the chunk to each other without locks.  Signals are
 * IRQ objects: a producer triggers one when a chunk is ready, a consumer
 * waits for it.
 *
 * Since L4Re 23.04 the library creates nothing itself: the dataspace and
 * every signal's IRQ are named capabilities in the program's environment
 * (l4re_env_get_cap), put there by whoever started it, e.g. a ned script
 *   caps = { shm = ds:m("rw"), prod = irq:m("rws"), done = irq2:m("rws") }
 * The dataspace must be zero-filled when the first party attaches (an
 * empty chunk list and a free lock are all zeros).
 *
 * Results: 0 (L4_EOK) or >= 0 where stated, else a negative L4 error:
 * -L4_ENOENT no capability / chunk with that name, -L4_EPERM the
 * dataspace capability lacks write rights or a chunk was not CLEAR,
 * -L4_EBUSY a chunk was not READY, -L4_ENOMEM no room, -L4_EEXIST a chunk
 * of that name exists, -L4_EINVAL bad argument, -L4_EIO the shared
 * bookkeeping is inconsistent.  An IPC error e (e.g. L4_IPC_RETIMEOUT when
 * a _try or _to wait found nothing) comes back as -(L4_EIPC_LO + e)
 * (l4_ipc_to_errno), so every failure is negative. */
#ifndef L4_SHMC_SHMC_H
#define L4_SHMC_SHMC_H

#include <l4/sys/compiler.h>
#include <l4/sys/types.h>
#include <l4/sys/err.h>
#include <l4/sys/ipc.h>
#include <l4/sys/irq.h>
#include <l4/util/atomic.h>
#include <l4/shmc/types.h>

L4_BEGIN_DECLS

/* ---- areas ------------------------------------------------------------ */

/* Check that the named capability is a dataspace this task may map
 * writable (its contents are left alone).  -L4_ENOENT no such capability,
 * -L4_EPERM not writable, -L4_ENOMEM too large, or the attach error. */
L4_CV long l4shmc_create(char const *shmc_name);

/* Map the named dataspace (anywhere, read-write) and describe it in
 * *shmarea, which must stay at its address while chunks use it.  Each
 * attach, in any task, draws the next client number (0, 1, ...). */
L4_CV long l4shmc_attach(char const *shmc_name, l4shmc_area_t *shmarea);

/* This party's client number. */
L4_CV long l4shmc_get_client_nr(l4shmc_area_t const *shmarea);

/* Set this client's bit in the area's mask of initialised clients, so
 * others can wait for it.  -L4_EINVAL: client number beyond the mask. */
L4_CV long l4shmc_mark_client_initialized(l4shmc_area_t *shmarea);

/* The mask of initialised clients (bit n = client number n). */
L4_CV long l4shmc_get_initialized_clients(l4shmc_area_t *shmarea, l4_umword_t *bitmask);

/* Size of the area in bytes (> 0), or an error. */
L4_CV long l4shmc_area_size(l4shmc_area_t const *shmarea);

/* Bytes behind the last chunk; a new chunk can have a capacity of this
 * less l4shmc_chunk_overhead(). */
L4_CV long l4shmc_area_size_free(l4shmc_area_t const *shmarea);

/* Bytes of every area the library keeps for itself. */
L4_CV long l4shmc_area_overhead(void);

/* Bytes a chunk takes beyond its capacity (descriptor and rounding). */
L4_CV long l4shmc_chunk_overhead(void);

/* ---- chunks ----------------------------------------------------------- */

/* Append a chunk of at least chunk_capacity bytes (rounded up to a word)
 * named chunk_name (at most 15 characters, else -L4_EINVAL); status CLEAR,
 * no signal.  -L4_EEXIST name taken, -L4_ENOMEM no room. */
L4_CV long l4shmc_add_chunk(l4shmc_area_t *shmarea, char const *chunk_name,
                            l4_umword_t chunk_capacity, l4shmc_chunk_t *chunk);

/* Look a chunk up by name; if it is not there yet, look again until
 * timeout_ms milliseconds have passed (0 = look once).  -L4_ENOENT. */
L4_CV long l4shmc_get_chunk_to(l4shmc_area_t *shmarea, char const *chunk_name,
                               l4_umword_t timeout_ms, l4shmc_chunk_t *chunk);

L4_INLINE long
l4shmc_get_chunk(l4shmc_area_t *shmarea, char const *chunk_name, l4shmc_chunk_t *chunk)
{ return l4shmc_get_chunk_to(shmarea, chunk_name, 0, chunk); }

/* Walk the chunk names: start with offs 0, pass each positive result to
 * the next call; 0 = no more chunks, < 0 error (-L4_EINVAL for offs < 0). */
L4_CV long l4shmc_iterate_chunk(l4shmc_area_t const *shmarea, char const **chunk_name, long offs);

/* Remember signal as the chunk's (in this task's handle only). */
L4_CV long l4shmc_connect_chunk_signal(l4shmc_chunk_t *chunk, l4shmc_signal_t *signal);

/* ---- signals ---------------------------------------------------------- */

/* Find the IRQ capability named signal_name.  -L4_ENOENT.  add_signal is
 * the producer's name for it: the IRQ already exists. */
L4_CV long l4shmc_get_signal(l4shmc_area_t *shmarea, char const *signal_name, l4shmc_signal_t *signal);
L4_CV long l4shmc_add_signal(l4shmc_area_t *shmarea, char const *signal_name, l4shmc_signal_t *signal);

/* Find the signal and bind its IRQ to thread, labelled with the address
 * of *signal, which must stay valid while the thread waits for it. */
L4_CV long l4shmc_attach_signal(l4shmc_area_t *shmarea, char const *signal_name,
                                l4_cap_idx_t thread, l4shmc_signal_t *signal);

/* Unmask the signal's IRQ: needed before l4shmc_wait_any, which does not
 * unmask as the waits for one signal do. */
L4_CV long l4shmc_enable_signal(l4shmc_signal_t *signal);
L4_CV long l4shmc_enable_chunk(l4shmc_chunk_t *chunk);

/* Wait for any signal bound to this thread; *retsignal = which one. */
L4_CV long l4shmc_wait_any_to(l4_timeout_t timeout, l4shmc_signal_t **retsignal);

/* Wait for this signal (bound to this thread) only. */
L4_CV long l4shmc_wait_signal_to(l4shmc_signal_t *signal, l4_timeout_t timeout);

/* Wait for the chunk's signal.  -L4_EINVAL: none connected. */
L4_CV long l4shmc_wait_chunk_to(l4shmc_chunk_t *chunk, l4_timeout_t timeout);

L4_INLINE long l4shmc_wait_any(l4shmc_signal_t **retsignal)
{ return l4shmc_wait_any_to(L4_IPC_NEVER, retsignal); }

L4_INLINE long l4shmc_wait_any_try(l4shmc_signal_t **retsignal)
{ return l4shmc_wait_any_to(L4_IPC_BOTH_TIMEOUT_0, retsignal); }

L4_INLINE long l4shmc_wait_signal(l4shmc_signal_t *signal)
{ return l4shmc_wait_signal_to(signal, L4_IPC_NEVER); }

L4_INLINE long l4shmc_wait_signal_try(l4shmc_signal_t *signal)
{ return l4shmc_wait_signal_to(signal, L4_IPC_BOTH_TIMEOUT_0); }

L4_INLINE long l4shmc_wait_chunk(l4shmc_chunk_t *chunk)
{ return l4shmc_wait_chunk_to(chunk, L4_IPC_NEVER); }

L4_INLINE long l4shmc_wait_chunk_try(l4shmc_chunk_t *chunk)
{ return l4shmc_wait_chunk_to(chunk, L4_IPC_BOTH_TIMEOUT_0); }

/* Trigger the signal's IRQ. */
L4_INLINE long l4shmc_trigger(l4shmc_signal_t *signal)
{
  l4_utcb_t *u = l4_utcb();
  l4_umword_t e = l4_ipc_error(l4_irq_trigger_u(signal->_sigcap, u), u);
  return e ? l4_ipc_to_errno(e) : L4_EOK;
}

L4_INLINE l4shmc_signal_t *l4shmc_chunk_signal(l4shmc_chunk_t const *chunk)
{ return chunk->_sig; }

L4_INLINE l4_cap_idx_t l4shmc_signal_cap(l4shmc_signal_t const *signal)
{ return signal->_sigcap; }

/* ---- handing a chunk over ----------------------------------------------
 * The status word changes only by compare-and-exchange from the state the
 * taker expects, so of two parties racing for a chunk exactly one wins. */

/* Internal: one compare-and-exchange of the status word; 1 if it moved. */
L4_INLINE long l4shmc__move_status(l4shmc_chunk_t *chunk, l4_umword_t from, l4_umword_t to)
{ return l4util_cmpxchg(&chunk->_chunk->_status, from, to); }

/* Producer: CLEAR -> BUSY_WRITING, else -L4_EPERM. */
L4_INLINE long l4shmc_chunk_try_to_take(l4shmc_chunk_t *chunk)
{
  return l4shmc__move_status(chunk, L4SHMC_CHUNK_CLEAR, L4SHMC_CHUNK_BUSY_WRITING) ? L4_EOK : -L4_EPERM;
}

L4_INLINE long l4shmc_chunk_try_to_take_for_writing(l4shmc_chunk_t *chunk)
{ return l4shmc_chunk_try_to_take(chunk); }

/* Producer: take back a chunk nobody has started reading, READY ->
 * BUSY_WRITING, else -L4_EBUSY.  Safe only if consumers claim chunks with
 * l4shmc_chunk_try_to_take_for_reading. */
L4_INLINE long l4shmc_chunk_try_to_take_for_overwriting(l4shmc_chunk_t *chunk)
{
  return l4shmc__move_status(chunk, L4SHMC_CHUNK_READY, L4SHMC_CHUNK_BUSY_WRITING) ? L4_EOK : -L4_EBUSY;
}

/* Consumer: READY -> BUSY_READING, else -L4_EBUSY. */
L4_INLINE long l4shmc_chunk_try_to_take_for_reading(l4shmc_chunk_t *chunk)
{
  return l4shmc__move_status(chunk, L4SHMC_CHUNK_READY, L4SHMC_CHUNK_BUSY_READING) ? L4_EOK : -L4_EBUSY;
}

/* Producer: publish size bytes.  The size is stored before the status,
 * and the barrier keeps it so, so a consumer that sees READY reads the
 * right size and payload. */
L4_INLINE long l4shmc_chunk_ready(l4shmc_chunk_t *chunk, l4_umword_t size)
{
  __atomic_store_n(&chunk->_chunk->_size, size, __ATOMIC_RELAXED);
  __sync_synchronize();
  __atomic_store_n(&chunk->_chunk->_status, (l4_umword_t)L4SHMC_CHUNK_READY, __ATOMIC_RELEASE);
  return L4_EOK;
}

/* Publish and trigger the chunk's signal.  -L4_EINVAL, and the chunk
 * left as it was, if none is connected: nobody would learn of the data. */
L4_INLINE long l4shmc_chunk_ready_sig(l4shmc_chunk_t *chunk, l4_umword_t size)
{
  if (!chunk->_sig)
    return -L4_EINVAL;
  l4shmc_chunk_ready(chunk, size);
  return l4shmc_trigger(chunk->_sig);
}

/* Consumer: done with the payload; the chunk is CLEAR again. */
L4_INLINE long l4shmc_chunk_consumed(l4shmc_chunk_t *chunk)
{
  __atomic_store_n(&chunk->_chunk->_status, (l4_umword_t)L4SHMC_CHUNK_CLEAR, __ATOMIC_RELEASE);
  return L4_EOK;
}

/* ---- accessors -------------------------------------------------------- */

L4_INLINE long l4shmc_is_chunk_ready(l4shmc_chunk_t const *chunk)
{ return __atomic_load_n(&chunk->_chunk->_status, __ATOMIC_ACQUIRE) == L4SHMC_CHUNK_READY; }

L4_INLINE long l4shmc_is_chunk_clear(l4shmc_chunk_t const *chunk)
{ return __atomic_load_n(&chunk->_chunk->_status, __ATOMIC_ACQUIRE) == L4SHMC_CHUNK_CLEAR; }

/* 1 if the descriptor carries the magic value, else 0. */
L4_INLINE long l4shmc_check_magic(l4shmc_chunk_t const *chunk)
{ return chunk->_chunk->_magic == L4SHMC_CHUNK_MAGIC; }

L4_INLINE void *l4shmc_chunk_ptr(l4shmc_chunk_t const *chunk)
{ return chunk->_chunk->payload; }

L4_INLINE long l4shmc_chunk_capacity(l4shmc_chunk_t const *chunk)
{ return (long)chunk->_capacity; }

/* The payload size the producer published; -L4_EIO if the shared word
 * claims more than the capacity this task found (another party wrote
 * nonsense, and a reader must not run past the chunk). */
L4_INLINE long l4shmc_chunk_size(l4shmc_chunk_t const *chunk)
{
  l4_umword_t s = __atomic_load_n(&chunk->_chunk->_size, __ATOMIC_RELAXED);
  return s > chunk->_capacity ? -L4_EIO : (long)s;
}

L4_END_DECLS

#endif
