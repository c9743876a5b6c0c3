/* libshmc: areas, the chunk list in the shared dataspace, and signals as
 * named IRQ capabilities (the L4Re 23.04 interface, <l4/shmc/shmc.h>).
 *
 * The area starts with a small header (struct area_header); chunks follow
 * it back to back, each a descriptor and its payload, linked by offsets in
 * ascending order.  Chunks are only ever appended, under a spin lock in
 * the header; readers walk the list without the lock, which is safe
 * because a descriptor is complete before the link to it is stored.
 *
 * Every party can write the whole area, so nothing read from it is
 * trusted: each link is checked to lie behind the previous chunk and
 * inside the area, and each descriptor to carry the magic value, its own
 * offset and a terminated name, before it is used.  A bad list gives
 * -L4_EIO instead of a wild access.
 *
 * Functions here may run on threads without libc state (no TLS), so they
 * use only IPC and the string functions that need none. */
#include <l4/shmc/shmc.h>
#include <l4/re/env.h>
#include <l4/re/c/dataspace.h>
#include <l4/re/c/rm.h>
#include <l4/sys/rcv_endpoint.h>
#include <l4/util/util.h>
#include <string.h>

/* The first bytes of the area.  Zero is the initial state of every field,
 * which is why the dataspace must come zero-filled. */
struct area_header
{
  l4_umword_t lock;               /* AREA_LOCK_FREE / AREA_LOCK_TAKEN */
  l4_umword_t next_client_nr;
  l4_umword_t clients_init_done;  /* bit n: client n is initialised */
  l4_addr_t   first_chunk;        /* offset, 0 = no chunk yet */
};

enum
{
  AREA_LOCK_FREE  = 0,
  AREA_LOCK_TAKEN = 1,
  /* Sizes and offsets travel as long results: keep them positive. */
  AREA_MAX_SIZE = ~0UL >> 1,
  /* How often l4shmc_get_chunk_to looks again while it waits. */
  CHUNK_POLL_MS = 10,
};

static struct area_header *area_header(l4shmc_area_t const *a)
{
  return (struct area_header *)a->_local_addr;
}

static l4shmc_chunk_desc_t *chunk_at(l4shmc_area_t const *a, l4_addr_t offset)
{
  return (l4shmc_chunk_desc_t *)((char *)a->_local_addr + offset);
}

/* The first offset behind the chunk at offset (or behind the header). */
static l4_addr_t chunk_end(l4shmc_area_t const *a, l4_addr_t offset)
{
  if (!offset)
    return sizeof(struct area_header);
  return offset + sizeof(l4shmc_chunk_desc_t) + chunk_at(a, offset)->_capacity;
}

/* The chunk after the one at offset (0 = start at the header): its
 * offset, 0 at the end of the list, -L4_EIO if the list is damaged. */
static long chunk_next(l4shmc_area_t const *a, l4_addr_t offset)
{
  l4_addr_t next;
  if (!offset)
    next = __atomic_load_n(&area_header(a)->first_chunk, __ATOMIC_ACQUIRE);
  else
    next = __atomic_load_n(&chunk_at(a, offset)->_next, __ATOMIC_ACQUIRE);
  if (!next)
    return 0;
  if (next < chunk_end(a, offset) || next % sizeof(l4_umword_t) || next > a->_size ||
      a->_size - next < sizeof(l4shmc_chunk_desc_t))
    return -L4_EIO;
  l4shmc_chunk_desc_t const *d = chunk_at(a, next);
  if (d->_magic != L4SHMC_CHUNK_MAGIC || d->_offset != next || d->_name[L4SHMC_CHUNK_NAME_SIZE] ||
      d->_capacity > a->_size - next - sizeof(l4shmc_chunk_desc_t))
    return -L4_EIO;
  return (long)next;
}

/* Is name short enough to be a chunk's name (with its terminating 0)? */
static int chunk_name_fits(char const *name)
{
  return strnlen(name, L4SHMC_CHUNK_NAME_STRINGLEN) <= L4SHMC_CHUNK_NAME_SIZE;
}

/* The named dataspace, if this task may map it writable: its capability
 * and size. */
static long area_find(char const *name, l4re_ds_t *ds, l4_umword_t *size)
{
  *ds = l4re_env_get_cap(name);
  if (l4_is_invalid_cap(*ds))
    return -L4_ENOENT;
  long flags = (long)l4re_ds_flags(*ds);
  if (flags < 0)
    return flags;
  if ((flags & L4RE_DS_F_RW) != L4RE_DS_F_RW)
    return -L4_EPERM;
  long s = (long)l4re_ds_size(*ds);
  if (s < 0)
    return s;
  if ((l4_umword_t)s > AREA_MAX_SIZE)
    return -L4_ENOMEM;
  /* The header must fit, or even the client count would be out of bounds. */
  if ((l4_umword_t)s < sizeof(struct area_header))
    return -L4_EINVAL;
  *size = (l4_umword_t)s;
  return 0;
}

static long area_map(l4re_ds_t ds, l4_umword_t size, void **at)
{
  *at = 0;
  return l4re_rm_attach(at, l4_round_page(size), L4RE_RM_F_SEARCH_ADDR | L4RE_RM_F_RW, ds, 0,
                        L4_PAGESHIFT);
}

L4_CV long l4shmc_create(char const *shmc_name)
{
  l4re_ds_t ds;
  l4_umword_t size;
  void *at;
  long r = area_find(shmc_name, &ds, &size);
  if (r < 0)
    return r;
  /* Nothing to initialise (a zeroed area is an empty one), and whoever
   * started us may have given the same area to a party that attached
   * already; mapping it once proves the attach will work. */
  if ((r = area_map(ds, size, &at)) < 0)
    return r;
  l4re_rm_detach(at);
  return L4_EOK;
}

L4_CV long l4shmc_attach(char const *shmc_name, l4shmc_area_t *shmarea)
{
  memset(shmarea, 0, sizeof(*shmarea));
  shmarea->_shm_ds = L4_INVALID_CAP;
  strncpy(shmarea->_name, shmc_name, L4SHMC_NAME_SIZE);
  long r = area_find(shmc_name, &shmarea->_shm_ds, &shmarea->_size);
  if (r < 0)
    return r;
  if ((r = area_map(shmarea->_shm_ds, shmarea->_size, &shmarea->_local_addr)) < 0)
    return r;
  shmarea->_client_nr = __atomic_fetch_add(&area_header(shmarea)->next_client_nr, 1, __ATOMIC_SEQ_CST);
  return L4_EOK;
}

L4_CV long l4shmc_get_client_nr(l4shmc_area_t const *shmarea)
{
  return (long)shmarea->_client_nr;
}

L4_CV long l4shmc_mark_client_initialized(l4shmc_area_t *shmarea)
{
  if (shmarea->_client_nr >= sizeof(l4_umword_t) * 8)
    return -L4_EINVAL;
  __atomic_fetch_or(&area_header(shmarea)->clients_init_done, 1UL << shmarea->_client_nr,
                    __ATOMIC_SEQ_CST);
  return L4_EOK;
}

L4_CV long l4shmc_get_initialized_clients(l4shmc_area_t *shmarea, l4_umword_t *bitmask)
{
  *bitmask = __atomic_load_n(&area_header(shmarea)->clients_init_done, __ATOMIC_SEQ_CST);
  return L4_EOK;
}

L4_CV long l4shmc_area_size(l4shmc_area_t const *shmarea)
{
  return (long)shmarea->_size;
}

L4_CV long l4shmc_area_overhead(void)
{
  return sizeof(struct area_header);
}

L4_CV long l4shmc_chunk_overhead(void)
{
  /* add_chunk rounds a capacity up to a word: up to one word more. */
  return sizeof(l4shmc_chunk_desc_t) + sizeof(l4_umword_t);
}

/* Offset of the last chunk (0 if none), or -L4_EIO. */
static long chunk_last(l4shmc_area_t const *a)
{
  long offset = 0, next;
  while ((next = chunk_next(a, (l4_addr_t)offset)) > 0)
    offset = next;
  return next < 0 ? next : offset;
}

L4_CV long l4shmc_area_size_free(l4shmc_area_t const *shmarea)
{
  long last = chunk_last(shmarea);
  if (last < 0)
    return last;
  l4_addr_t end = chunk_end(shmarea, (l4_addr_t)last);
  return end < shmarea->_size ? (long)(shmarea->_size - end) : 0;
}

/* The list lock spins with a sleep: it is held only for a few stores, and
 * its holder may be a thread of another task that needs the CPU. */
static void area_lock(struct area_header *h)
{
  while (!l4util_cmpxchg(&h->lock, AREA_LOCK_FREE, AREA_LOCK_TAKEN))
    l4_sleep(1);
}

static void area_unlock(struct area_header *h)
{
  __atomic_store_n(&h->lock, (l4_umword_t)AREA_LOCK_FREE, __ATOMIC_RELEASE);
}

static void chunk_handle(l4shmc_chunk_t *chunk, l4shmc_area_t *a, l4_addr_t offset)
{
  chunk->_chunk = chunk_at(a, offset);
  chunk->_shm = a;
  chunk->_sig = NULL;
  chunk->_capacity = chunk->_chunk->_capacity;
}

L4_CV long l4shmc_add_chunk(l4shmc_area_t *shmarea, char const *chunk_name, l4_umword_t chunk_capacity,
                            l4shmc_chunk_t *chunk)
{
  if (!chunk_name_fits(chunk_name))
    return -L4_EINVAL;
  if (chunk_capacity > shmarea->_size)
    return -L4_ENOMEM;
  chunk_capacity = (chunk_capacity + sizeof(l4_umword_t) - 1) & ~(sizeof(l4_umword_t) - 1);

  struct area_header *h = area_header(shmarea);
  long r, last = 0;
  area_lock(h);
  while ((r = chunk_next(shmarea, (l4_addr_t)last)) > 0) {
    if (!strcmp(chunk_at(shmarea, (l4_addr_t)r)->_name, chunk_name)) {
      area_unlock(h);
      return -L4_EEXIST;
    }
    last = r;
  }
  if (r < 0) {
    area_unlock(h);
    return r;
  }
  l4_addr_t offset = chunk_end(shmarea, (l4_addr_t)last);
  if (offset > shmarea->_size || shmarea->_size - offset < sizeof(l4shmc_chunk_desc_t) + chunk_capacity) {
    area_unlock(h);
    return -L4_ENOMEM;
  }
  l4shmc_chunk_desc_t *d = chunk_at(shmarea, offset);
  d->_offset = offset;
  d->_capacity = chunk_capacity;
  d->_size = 0;
  d->_status = L4SHMC_CHUNK_CLEAR;
  d->_signals_to_attach = 0;
  memset(d->_name, 0, sizeof(d->_name));
  strcpy(d->_name, chunk_name);
  d->_next = 0;
  d->_magic = L4SHMC_CHUNK_MAGIC;
  /* Readers do not take the lock: the descriptor must be complete before
   * the link that lets them find it. */
  l4_addr_t *link = last ? &chunk_at(shmarea, (l4_addr_t)last)->_next : &h->first_chunk;
  __atomic_store_n(link, offset, __ATOMIC_RELEASE);
  area_unlock(h);
  chunk_handle(chunk, shmarea, offset);
  return L4_EOK;
}

L4_CV long l4shmc_get_chunk_to(l4shmc_area_t *shmarea, char const *chunk_name, l4_umword_t timeout_ms,
                               l4shmc_chunk_t *chunk)
{
  if (!chunk_name_fits(chunk_name))
    return -L4_ENOENT;
  l4_cpu_time_t now = l4_kip_clock(l4re_kip()), until = now + (l4_cpu_time_t)timeout_ms * 1000;
  if (timeout_ms > ~0UL / 1000 || until < now)
    until = ~(l4_cpu_time_t)0;     /* as good as forever */
  for (;;) {
    long r = 0;
    while ((r = chunk_next(shmarea, (l4_addr_t)r)) > 0)
      if (!strcmp(chunk_at(shmarea, (l4_addr_t)r)->_name, chunk_name)) {
        chunk_handle(chunk, shmarea, (l4_addr_t)r);
        return L4_EOK;
      }
    if (r < 0)
      return r;
    if (!timeout_ms || l4_kip_clock(l4re_kip()) >= until)
      return -L4_ENOENT;
    l4_sleep(CHUNK_POLL_MS);
  }
}

L4_CV long l4shmc_iterate_chunk(l4shmc_area_t const *shmarea, char const **chunk_name, long offs)
{
  if (offs < 0)
    return -L4_EINVAL;
  /* Only offsets this function returned are chunks: check it is one. */
  if (offs) {
    long r = 0;
    while ((r = chunk_next(shmarea, (l4_addr_t)r)) > 0 && r < offs)
      ;
    if (r != offs)
      return r < 0 ? r : -L4_EINVAL;
  }
  long next = chunk_next(shmarea, (l4_addr_t)offs);
  if (next > 0)
    *chunk_name = chunk_at(shmarea, (l4_addr_t)next)->_name;
  return next;
}

L4_CV long l4shmc_connect_chunk_signal(l4shmc_chunk_t *chunk, l4shmc_signal_t *signal)
{
  chunk->_sig = signal;
  return L4_EOK;
}

L4_CV long l4shmc_get_signal(l4shmc_area_t *shmarea, char const *signal_name, l4shmc_signal_t *signal)
{
  (void)shmarea;   /* signals are the environment's, not the area's */
  l4_cap_idx_t irq = l4re_env_get_cap(signal_name);
  if (l4_is_invalid_cap(irq))
    return -L4_ENOENT;
  signal->_sigcap = irq;
  return L4_EOK;
}

L4_CV long l4shmc_add_signal(l4shmc_area_t *shmarea, char const *signal_name, l4shmc_signal_t *signal)
{
  return l4shmc_get_signal(shmarea, signal_name, signal);
}

L4_CV long l4shmc_attach_signal(l4shmc_area_t *shmarea, char const *signal_name, l4_cap_idx_t thread,
                                l4shmc_signal_t *signal)
{
  long r = l4shmc_get_signal(shmarea, signal_name, signal);
  if (r < 0)
    return r;
  /* The label's two low bits must be zero: a signal's address is. */
  r = l4_error(l4_rcv_ep_bind_thread(signal->_sigcap, thread, (l4_umword_t)signal));
  return r < 0 ? r : L4_EOK;
}

/* 0, or the IPC error of the operation that just ended as a negative code. */
static long ipc_result(l4_msgtag_t tag)
{
  l4_utcb_t *u = l4_utcb();
  l4_umword_t e = l4_ipc_error(tag, u);
  return e ? l4_ipc_to_errno(e) : L4_EOK;
}

L4_CV long l4shmc_enable_signal(l4shmc_signal_t *signal)
{
  return ipc_result(l4_irq_unmask(signal->_sigcap));
}

L4_CV long l4shmc_enable_chunk(l4shmc_chunk_t *chunk)
{
  return chunk->_sig ? l4shmc_enable_signal(chunk->_sig) : -L4_EINVAL;
}

L4_CV long l4shmc_wait_any_to(l4_timeout_t timeout, l4shmc_signal_t **retsignal)
{
  l4_umword_t label;
  long r = ipc_result(l4_ipc_wait(l4_utcb(), &label, timeout));
  if (r < 0)
    return r;
  /* The IRQ was bound with the signal's address as label (the kernel's
   * rights bits, if any, sit in the two low bits). */
  *retsignal = (l4shmc_signal_t *)(label & ~3UL);
  return L4_EOK;
}

L4_CV long l4shmc_wait_signal_to(l4shmc_signal_t *signal, l4_timeout_t timeout)
{
  return ipc_result(l4_irq_receive(signal->_sigcap, timeout));
}

L4_CV long l4shmc_wait_chunk_to(l4shmc_chunk_t *chunk, l4_timeout_t timeout)
{
  return chunk->_sig ? l4shmc_wait_signal_to(chunk->_sig, timeout) : -L4_EINVAL;
}
