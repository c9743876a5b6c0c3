/* libshmc ring buffer: a FIFO of variable-sized packets from exactly one
 * sender to exactly one receiver, in one chunk of a libshmc area (the
 * L4Re <l4/shmc/ringbuf.h> C interface).
 *
 * The chunk holds a head (l4shmc_ringbuf_head_t) and the data bytes.  Each
 * packet is a 4-byte length prefix followed by the payload, padded to a
 * multiple of 4 bytes.  The data size is a multiple of 4 as well, so a
 * prefix always sits in one piece; a payload may run over the end of the
 * data and continue at its start, which is why a sender writes it with
 * l4shmc_rb_sender_put_data and a receiver reads it with
 * l4shmc_rb_receiver_copy_out rather than through the pointer directly.
 *
 * Two signals (IRQs named in the environment, see <l4/shmc/shmc.h>) go
 * with a buffer whose signal base name is NAME:
 *   NAME_rx  receiver-side: the sender triggers it when it commits packets;
 *            the receiver waits for it (l4shmc_rb_receiver_wait_for_data);
 *   NAME_tx  sender-side: the receiver triggers it when it freed room and
 *            the sender had said it waits for room (notify_done).
 * A NAME is therefore at most 12 characters.
 *
 * Protocol.  Sender: l4shmc_attach, l4shmc_rb_init_buffer (creates the
 * chunk), l4shmc_rb_attach_sender; per packet l4shmc_rb_sender_next_copy_in
 * (or alloc_packet + put_data), then l4shmc_rb_sender_commit_packet, which
 * publishes every packet since the last commit.  Receiver: l4shmc_attach,
 * l4shmc_rb_init_receiver (after the sender's init_buffer; -L4_ENOENT or
 * -L4_EAGAIN until then), l4shmc_rb_attach_receiver; per packet
 * l4shmc_rb_receiver_wait_for_data, l4shmc_rb_receiver_copy_out, then
 * l4shmc_rb_receiver_notify_done so that a sender waiting for room wakes.
 *
 * Unlike L4Re's (a spin lock in the head), the buffer needs no lock: each
 * offset has one writer, and the filled count moves only by atomic add
 * (sender) and subtract (receiver).  Packets become visible at commit,
 * not at allocation, so a receiver never reads a half-written packet.
 * Errors are negative L4 codes as in <l4/shmc/shmc.h>. */
#ifndef L4_SHMC_RINGBUF_H
#define L4_SHMC_RINGBUF_H

#include <l4/shmc/shmc.h>

L4_BEGIN_DECLS

enum
{
  /* The head's magic word once the sender has set the buffer up. */
  L4SHMC_RINGBUF_MAGIC = 0x52424631,
  /* Bytes of a packet's length prefix; also the packets' alignment. */
  L4SHMC_RINGBUF_PREFIX_SIZE = 4,
  /* Longest signal base name: "_rx" must still fit a signal name. */
  L4SHMC_RINGBUF_SIGNAL_BASE_SIZE = L4SHMC_SIGNAL_NAME_SIZE - 3,
};

/* The start of the ring buffer's chunk, shared by both parties.  Offsets
 * only: each task maps the area at an address of its own. */
typedef struct
{
  l4_uint32_t magic;          /* L4SHMC_RINGBUF_MAGIC, stored last at set-up */
  l4_uint32_t data_size;      /* bytes in data[], a multiple of the prefix */
  l4_uint32_t next_read;      /* receiver's: offset of the oldest packet */
  l4_uint32_t next_write;     /* sender's: offset for the next packet */
  l4_uint32_t bytes_filled;   /* committed bytes (prefixes and padding too) */
  l4_uint32_t bytes_reserved; /* sender's: allocated, not yet committed */
  l4_uint32_t sender_waits;   /* 1: the sender sleeps until room is freed */
  l4_uint32_t unused;         /* keeps data[] 8-byte aligned */
  char        data[];
} l4shmc_ringbuf_head_t;

/* One party's handle.  It must stay at its address once a signal is
 * attached: the signal's address is the IRQ's label. */
typedef struct
{
  l4shmc_area_t         *_area;
  l4_cap_idx_t           _owner;        /* thread the own side's signal is bound to */
  l4shmc_chunk_t         _chunk;
  unsigned               _size;         /* data bytes, as checked at initialisation */
  char                   _chunkname[L4SHMC_CHUNK_NAME_STRINGLEN];
  char                   _signame[L4SHMC_RINGBUF_SIGNAL_BASE_SIZE + 1];
  l4shmc_ringbuf_head_t *_addr;
  l4shmc_signal_t        _signal_room;  /* NAME_tx: room freed, the sender waits */
  l4shmc_signal_t        _signal_data;  /* NAME_rx: data committed, the receiver waits */
} l4shmc_ringbuf_t;

#define L4SHMC_RINGBUF_HEAD(ringbuf)      ((ringbuf)->_addr)
#define L4SHMC_RINGBUF_DATA(ringbuf)      ((ringbuf)->_addr->data)
#define L4SHMC_RINGBUF_DATA_SIZE(ringbuf) ((ringbuf)->_size)

/* ---- set-up ------------------------------------------------------------- */

/* Sender side: add the chunk chunk_name to area (attached with
 * l4shmc_attach) with size data bytes (rounded down to a multiple of 4;
 * the largest packet is 4 less), find the signals signal_name_rx and
 * signal_name_tx, and set the head up.  0, or -L4_EINVAL (NULL argument,
 * name too long, size below 8 or 2^31 and more), -L4_ENOENT (a signal is not
 * in the environment), or l4shmc_add_chunk's error (-L4_EEXIST,
 * -L4_ENOMEM). */
L4_CV int l4shmc_rb_init_buffer(l4shmc_ringbuf_t *buf, l4shmc_area_t *area, char const *chunk_name,
                                char const *signal_name, unsigned size);

/* Forget the handle.  The chunk stays in the area: libshmc cannot remove
 * chunks. */
L4_CV void l4shmc_rb_deinit_buffer(l4shmc_ringbuf_t *buf);

/* Bind the sender-side signal (signal_name_tx) to owner, the thread that
 * will block in l4shmc_rb_sender_next_copy_in.  0, -L4_EINVAL, -L4_ENOENT
 * or the bind error. */
L4_CV int l4shmc_rb_attach_sender(l4shmc_ringbuf_t *buf, char const *signal_name, l4_cap_idx_t owner);

/* Receiver side: find the chunk chunk_name and the two signals, and check
 * the head.  0, or -L4_EINVAL (NULL argument, name too long), -L4_ENOENT
 * (no such chunk or signal yet), -L4_EAGAIN (the chunk exists but the
 * sender has not finished setting it up: try again), -L4_EIO (the chunk
 * holds no valid ring buffer). */
L4_CV int l4shmc_rb_init_receiver(l4shmc_ringbuf_t *buf, l4shmc_area_t *area, char const *chunk_name,
                                  char const *signal_name);

/* Bind the receiver-side signal (the base name given at init_receiver,
 * _rx) to owner, the thread that will wait for data.  On failure the
 * handle stays unattached and blocking waits return -L4_EINVAL. */
L4_CV void l4shmc_rb_attach_receiver(l4shmc_ringbuf_t *buf, l4_cap_idx_t owner);

/* ---- sender ------------------------------------------------------------- */

/* Reserve a packet of psize payload bytes and store its length prefix.
 * The result points at the payload, which may wrap around the end of the
 * data (fill it with l4shmc_rb_sender_put_data); NULL if there is no room
 * now, if psize can never fit, or if the head is inconsistent.  The packet
 * reaches the receiver at the next commit. */
L4_CV char *l4shmc_rb_sender_alloc_packet(l4shmc_ringbuf_head_t *head, unsigned psize);

/* Copy dsize bytes from data to addr, a payload address from
 * alloc_packet, continuing at the start of the data past its end.  A call
 * whose addr is not in the data or whose dsize exceeds the largest packet
 * copies nothing. */
L4_CV void l4shmc_rb_sender_put_data(l4shmc_ringbuf_t *buf, char *addr, char *data, unsigned dsize);

/* Reserve a packet and copy size bytes from data into it.  If the buffer
 * is full and block_if_necessary is set, first commit what is reserved
 * (else the receiver could never free room), then sleep on the sender-side
 * signal until there is room; this needs l4shmc_rb_attach_sender.  0, or
 * -L4_ENOMEM (full and not blocking), -L4_EINVAL (NULL argument, a packet
 * larger than the buffer can ever hold, or blocking without an attached
 * signal), -L4_EIO (inconsistent head), or the wait's error. */
L4_CV int l4shmc_rb_sender_next_copy_in(l4shmc_ringbuf_t *buf, char *data, unsigned size,
                                        int block_if_necessary);

/* Publish every packet reserved since the last commit and, if there were
 * any, trigger the receiver-side signal. */
L4_CV void l4shmc_rb_sender_commit_packet(l4shmc_ringbuf_t *buf);

/* ---- receiver ----------------------------------------------------------- */

/* 0 at once if a packet is there.  Otherwise, if blocking, wait on the
 * receiver-side signal until one is (-L4_EINVAL if no signal is attached,
 * or the wait's error); if not, -(L4_EIPC_LO + L4_IPC_RETIMEOUT) as a
 * _try wait of libshmc would give. */
L4_CV int l4shmc_rb_receiver_wait_for_data(l4shmc_ringbuf_t *buf, int blocking);

/* Copy the oldest packet to target, which holds *tsize bytes, and set
 * *tsize to the packet's size.  0, or -L4_ENOENT (no packet), -L4_EINVAL
 * (NULL argument, or target too small: the packet stays), -L4_EIO
 * (inconsistent head). */
L4_CV int l4shmc_rb_receiver_copy_out(l4shmc_ringbuf_head_t *head, char *target, unsigned *tsize);

/* Tell the sender that room was freed: trigger the sender-side signal if
 * the sender said it waits for room.  Call it after copy_out. */
L4_CV void l4shmc_rb_receiver_notify_done(l4shmc_ringbuf_t *buf);

/* The payload size of the oldest packet, without taking it; -1 if there
 * is none, -L4_EIO if the head is inconsistent. */
L4_CV int l4shmc_rb_receiver_read_next_size(l4shmc_ringbuf_head_t *head);

L4_END_DECLS

#endif
