/* libshmc ring buffer: variable-sized packets from one sender to one
 * receiver through one chunk (<l4/shmc/ringbuf.h>).
 *
 * Offsets into the data stay below data_size; the committed packets are
 * the bytes_filled bytes from next_read on (wrapping), the sender's
 * reserved ones follow them, and next_write is where the next packet
 * goes.  next_read has one writer (the receiver), next_write and
 * bytes_reserved have one (the sender), and bytes_filled changes only by
 * atomic add and subtract, so no lock is needed.  The release on each
 * change of bytes_filled and the acquire on each read of it order the
 * payload bytes: a receiver sees a packet only after its bytes, and a
 * sender reuses room only after the receiver has copied it out.
 *
 * The other party can write the whole head, so every offset and length
 * read from it is checked before it is used (-L4_EIO, NULL or nothing
 * done instead of an access outside the data).  Functions that get only
 * the head must trust its data_size, which the handles checked against
 * the chunk at initialisation.
 *
 * Functions here may run on threads without libc state (no TLS), so they
 * use only IPC and the string functions that need none. */
#include <l4/shmc/ringbuf.h>
#include <string.h>

enum
{
  PREFIX = L4SHMC_RINGBUF_PREFIX_SIZE,
  /* Offsets and sizes are 32 bits wide and travel as int results. */
  DATA_SIZE_MAX = 0x7ffffffc,
};

/* Bytes a packet with size payload bytes takes: prefix, payload, padding
 * to the next prefix boundary (so no prefix is ever split at the end). */
static l4_uint32_t packet_bytes(l4_uint32_t size)
{
  return PREFIX + ((size + PREFIX - 1) & ~(l4_uint32_t)(PREFIX - 1));
}

static int data_size_valid(l4_uint32_t size)
{
  return size >= 2 * PREFIX && size <= DATA_SIZE_MAX && !(size % PREFIX);
}

/* The head's data size if it carries the magic and a sane size, else 0. */
static l4_uint32_t head_data_size(l4shmc_ringbuf_head_t const *head)
{
  if (__atomic_load_n(&head->magic, __ATOMIC_ACQUIRE) != L4SHMC_RINGBUF_MAGIC)
    return 0;
  l4_uint32_t size = __atomic_load_n(&head->data_size, __ATOMIC_RELAXED);
  return data_size_valid(size) ? size : 0;
}

/* Copy n bytes between the ring (from offset, wrapping at size) and flat. */
static void ring_write(l4shmc_ringbuf_head_t *head, l4_uint32_t size, l4_uint32_t offset,
                       char const *flat, l4_uint32_t n)
{
  l4_uint32_t first = n < size - offset ? n : size - offset;
  memcpy(head->data + offset, flat, first);
  memcpy(head->data, flat + first, n - first);
}

static void ring_read(l4shmc_ringbuf_head_t const *head, l4_uint32_t size, l4_uint32_t offset,
                      char *flat, l4_uint32_t n)
{
  l4_uint32_t first = n < size - offset ? n : size - offset;
  memcpy(flat, head->data + offset, first);
  memcpy(flat + first, head->data, n - first);
}

/* "<base><suffix>" into name; the base's length was checked at init. */
static void signal_name(char name[L4SHMC_SIGNAL_NAME_STRINGLEN], char const *base, char const *suffix)
{
  size_t n = strlen(base);
  memcpy(name, base, n);
  memcpy(name + n, suffix, strlen(suffix) + 1);
}

/* Checks and set-up both sides share: the arguments, the names kept in
 * the handle, and both signals (looked up, not bound). */
static int handle_init(l4shmc_ringbuf_t *buf, l4shmc_area_t *area, char const *chunk_name,
                       char const *signal_base)
{
  if (!buf || !area || !chunk_name || !signal_base ||
      strnlen(chunk_name, L4SHMC_CHUNK_NAME_STRINGLEN) > L4SHMC_CHUNK_NAME_SIZE ||
      strnlen(signal_base, L4SHMC_RINGBUF_SIGNAL_BASE_SIZE + 1) > L4SHMC_RINGBUF_SIGNAL_BASE_SIZE)
    return -L4_EINVAL;
  memset(buf, 0, sizeof *buf);
  buf->_area = area;
  buf->_owner = L4_INVALID_CAP;
  strcpy(buf->_chunkname, chunk_name);
  strcpy(buf->_signame, signal_base);
  char name[L4SHMC_SIGNAL_NAME_STRINGLEN];
  signal_name(name, signal_base, "_rx");
  long r = l4shmc_get_signal(area, name, &buf->_signal_data);
  if (r < 0)
    return (int)r;
  signal_name(name, signal_base, "_tx");
  r = l4shmc_get_signal(area, name, &buf->_signal_room);
  return r < 0 ? (int)r : 0;
}

/* ---- set-up --------------------------------------------------------------- */

L4_CV int l4shmc_rb_init_buffer(l4shmc_ringbuf_t *buf, l4shmc_area_t *area, char const *chunk_name,
                                char const *signal_name_base, unsigned size)
{
  if (size < 2 * PREFIX || size > (unsigned)DATA_SIZE_MAX + PREFIX - 1)
    return -L4_EINVAL;
  int r = handle_init(buf, area, chunk_name, signal_name_base);
  if (r < 0)
    return r;
  l4_uint32_t data_size = size & ~(l4_uint32_t)(PREFIX - 1);
  long e = l4shmc_add_chunk(area, chunk_name, sizeof(l4shmc_ringbuf_head_t) + data_size, &buf->_chunk);
  if (e < 0)
    return (int)e;
  l4shmc_ringbuf_head_t *head = l4shmc_chunk_ptr(&buf->_chunk);
  head->data_size = data_size;
  head->next_read = head->next_write = 0;
  head->bytes_filled = head->bytes_reserved = 0;
  head->sender_waits = 0;
  /* The chunk is visible to the receiver already; the magic, stored last,
   * tells it that the fields above are valid. */
  __atomic_store_n(&head->magic, (l4_uint32_t)L4SHMC_RINGBUF_MAGIC, __ATOMIC_RELEASE);
  buf->_addr = head;
  buf->_size = data_size;
  return 0;
}

L4_CV void l4shmc_rb_deinit_buffer(l4shmc_ringbuf_t *buf)
{
  if (buf)
    memset(buf, 0, sizeof *buf);
}

L4_CV int l4shmc_rb_attach_sender(l4shmc_ringbuf_t *buf, char const *signal_name_base, l4_cap_idx_t owner)
{
  if (!buf || !buf->_addr)
    return -L4_EINVAL;
  /* The base name at init_buffer is the one that counts; NULL means it. */
  if (!signal_name_base)
    signal_name_base = buf->_signame;
  if (strnlen(signal_name_base, L4SHMC_RINGBUF_SIGNAL_BASE_SIZE + 1) > L4SHMC_RINGBUF_SIGNAL_BASE_SIZE)
    return -L4_EINVAL;
  char name[L4SHMC_SIGNAL_NAME_STRINGLEN];
  signal_name(name, signal_name_base, "_tx");
  long r = l4shmc_attach_signal(buf->_area, name, owner, &buf->_signal_room);
  if (r < 0)
    return (int)r;
  buf->_owner = owner;
  return 0;
}

L4_CV int l4shmc_rb_init_receiver(l4shmc_ringbuf_t *buf, l4shmc_area_t *area, char const *chunk_name,
                                  char const *signal_name_base)
{
  int r = handle_init(buf, area, chunk_name, signal_name_base);
  if (r < 0)
    return r;
  long e = l4shmc_get_chunk(area, chunk_name, &buf->_chunk);
  if (e < 0)
    return (int)e;
  l4_umword_t capacity = (l4_umword_t)l4shmc_chunk_capacity(&buf->_chunk);
  if (capacity < sizeof(l4shmc_ringbuf_head_t))
    return -L4_EIO;
  l4shmc_ringbuf_head_t *head = l4shmc_chunk_ptr(&buf->_chunk);
  l4_uint32_t magic = __atomic_load_n(&head->magic, __ATOMIC_ACQUIRE);
  if (magic == 0)
    return -L4_EAGAIN;   /* added, not yet set up: the sender is between the two */
  l4_uint32_t size = head_data_size(head);
  if (magic != L4SHMC_RINGBUF_MAGIC || !size || size > capacity - sizeof(l4shmc_ringbuf_head_t))
    return -L4_EIO;
  buf->_addr = head;
  buf->_size = size;
  return 0;
}

L4_CV void l4shmc_rb_attach_receiver(l4shmc_ringbuf_t *buf, l4_cap_idx_t owner)
{
  if (!buf || !buf->_addr)
    return;
  char name[L4SHMC_SIGNAL_NAME_STRINGLEN];
  signal_name(name, buf->_signame, "_rx");
  if (l4shmc_attach_signal(buf->_area, name, owner, &buf->_signal_data) == 0)
    buf->_owner = owner;
}

/* ---- sender --------------------------------------------------------------- */

/* Reserve a packet of psize bytes: *payload = where its payload starts.
 * 0, -L4_ENOMEM (no room now), -L4_EINVAL (never fits), -L4_EIO. */
static int sender_reserve(l4shmc_ringbuf_head_t *head, unsigned psize, char **payload)
{
  l4_uint32_t size = head_data_size(head);
  if (!size)
    return -L4_EIO;
  if (psize > size - PREFIX)
    return -L4_EINVAL;
  l4_uint32_t need = packet_bytes(psize);
  l4_uint32_t w = head->next_write, reserved = head->bytes_reserved;
  l4_uint32_t filled = __atomic_load_n(&head->bytes_filled, __ATOMIC_ACQUIRE);
  if (w >= size || w % PREFIX || reserved > size || filled > size - reserved)
    return -L4_EIO;
  if (need > size - reserved - filled)
    return -L4_ENOMEM;
  __atomic_store_n((l4_uint32_t *)(head->data + w), (l4_uint32_t)psize, __ATOMIC_RELAXED);
  head->next_write = (w + need) % size;
  head->bytes_reserved = reserved + need;
  *payload = head->data + (w + PREFIX) % size;
  return 0;
}

L4_CV char *l4shmc_rb_sender_alloc_packet(l4shmc_ringbuf_head_t *head, unsigned psize)
{
  char *payload;
  return head && sender_reserve(head, psize, &payload) == 0 ? payload : NULL;
}

L4_CV void l4shmc_rb_sender_put_data(l4shmc_ringbuf_t *buf, char *addr, char *data, unsigned dsize)
{
  if (!buf || !buf->_addr || !addr || (!data && dsize))
    return;
  l4_uint32_t size = buf->_size;
  char *start = buf->_addr->data;
  if (addr < start || addr >= start + size || dsize > size - PREFIX)
    return;
  ring_write(buf->_addr, size, (l4_uint32_t)(addr - start), data, dsize);
}

L4_CV void l4shmc_rb_sender_commit_packet(l4shmc_ringbuf_t *buf)
{
  if (!buf || !buf->_addr)
    return;
  l4shmc_ringbuf_head_t *head = buf->_addr;
  l4_uint32_t reserved = head->bytes_reserved;
  if (!reserved)
    return;
  head->bytes_reserved = 0;
  __atomic_add_fetch(&head->bytes_filled, reserved, __ATOMIC_RELEASE);
  l4shmc_trigger(&buf->_signal_data);
}

L4_CV int l4shmc_rb_sender_next_copy_in(l4shmc_ringbuf_t *buf, char *data, unsigned size,
                                        int block_if_necessary)
{
  if (!buf || !buf->_addr || (!data && size))
    return -L4_EINVAL;
  l4shmc_ringbuf_head_t *head = buf->_addr;
  char *payload;
  int r;
  while ((r = sender_reserve(head, size, &payload)) == -L4_ENOMEM) {
    if (!block_if_necessary)
      return r;
    if (l4_is_invalid_cap(buf->_owner))
      return -L4_EINVAL;
    /* Packets reserved but not committed are invisible to the receiver;
     * if they filled the buffer it could never make room. */
    l4shmc_rb_sender_commit_packet(buf);
    /* Say we wait, then look again: either the receiver's notify_done
     * sees the flag, or this look sees the room it freed (both sides put
     * a full fence between their store and their load). */
    __atomic_store_n(&head->sender_waits, 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    r = sender_reserve(head, size, &payload);
    if (r != -L4_ENOMEM) {
      __atomic_store_n(&head->sender_waits, 0, __ATOMIC_RELAXED);
      break;
    }
    long e = l4shmc_wait_signal(&buf->_signal_room);
    if (e < 0)
      return (int)e;
  }
  if (r < 0)
    return r;
  ring_write(head, buf->_size, (l4_uint32_t)(payload - head->data), data, size);
  return 0;
}

/* ---- receiver ------------------------------------------------------------- */

/* The oldest committed packet: its payload size and offset, with the
 * data size they were checked against.  0, -L4_ENOENT, -L4_EIO. */
static int receiver_peek(l4shmc_ringbuf_head_t const *head, l4_uint32_t *size, l4_uint32_t *offset,
                         l4_uint32_t *length)
{
  *size = head_data_size(head);
  if (!*size)
    return -L4_EIO;
  l4_uint32_t filled = __atomic_load_n(&head->bytes_filled, __ATOMIC_ACQUIRE);
  if (!filled)
    return -L4_ENOENT;
  l4_uint32_t r = head->next_read;
  if (filled > *size || r >= *size || r % PREFIX)
    return -L4_EIO;
  l4_uint32_t n = __atomic_load_n((l4_uint32_t const *)(head->data + r), __ATOMIC_RELAXED);
  if (n > *size - PREFIX || packet_bytes(n) > filled)
    return -L4_EIO;
  *offset = r;
  *length = n;
  return 0;
}

L4_CV int l4shmc_rb_receiver_wait_for_data(l4shmc_ringbuf_t *buf, int blocking)
{
  if (!buf || !buf->_addr)
    return -L4_EINVAL;
  /* A trigger may be left over from packets already taken, so a wake-up
   * alone proves nothing: the filled count decides. */
  while (!__atomic_load_n(&buf->_addr->bytes_filled, __ATOMIC_ACQUIRE)) {
    if (!blocking)
      return -(L4_EIPC_LO + L4_IPC_RETIMEOUT);
    if (l4_is_invalid_cap(buf->_owner))
      return -L4_EINVAL;
    long e = l4shmc_wait_signal(&buf->_signal_data);
    if (e < 0)
      return (int)e;
  }
  return 0;
}

L4_CV int l4shmc_rb_receiver_copy_out(l4shmc_ringbuf_head_t *head, char *target, unsigned *tsize)
{
  if (!head || !target || !tsize)
    return -L4_EINVAL;
  l4_uint32_t size, offset, length;
  int r = receiver_peek(head, &size, &offset, &length);
  if (r < 0)
    return r;
  if (*tsize < length)
    return -L4_EINVAL;
  ring_read(head, size, (offset + PREFIX) % size, target, length);
  head->next_read = (offset + packet_bytes(length)) % size;
  /* Release: the copy above is complete before the sender may reuse it. */
  __atomic_sub_fetch(&head->bytes_filled, packet_bytes(length), __ATOMIC_RELEASE);
  *tsize = length;
  return 0;
}

L4_CV void l4shmc_rb_receiver_notify_done(l4shmc_ringbuf_t *buf)
{
  if (!buf || !buf->_addr)
    return;
  l4shmc_ringbuf_head_t *head = buf->_addr;
  /* Pairs with the sender's fence between setting sender_waits and
   * looking at bytes_filled (see next_copy_in). */
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if (__atomic_load_n(&head->sender_waits, __ATOMIC_RELAXED) &&
      __atomic_exchange_n(&head->sender_waits, 0, __ATOMIC_SEQ_CST))
    l4shmc_trigger(&buf->_signal_room);
}

L4_CV int l4shmc_rb_receiver_read_next_size(l4shmc_ringbuf_head_t *head)
{
  if (!head)
    return -L4_EINVAL;
  l4_uint32_t size, offset, length;
  int r = receiver_peek(head, &size, &offset, &length);
  if (r == -L4_ENOENT)
    return -1;
  return r < 0 ? r : (int)length;
}
