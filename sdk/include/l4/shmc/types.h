/* libshmc data types: the per-task handles (area, chunk, signal) and the
 * chunk descriptor that lives in the shared dataspace itself. */
#ifndef L4_SHMC_TYPES_H
#define L4_SHMC_TYPES_H

#include <l4/sys/types.h>
#include <l4/re/c/dataspace.h>

enum
{
  /* Names are at most 15 characters; the arrays hold the terminating 0. */
  L4SHMC_NAME_SIZE             = 15,
  L4SHMC_NAME_STRINGLEN        = L4SHMC_NAME_SIZE + 1,
  L4SHMC_CHUNK_NAME_SIZE       = 15,
  L4SHMC_CHUNK_NAME_STRINGLEN  = L4SHMC_CHUNK_NAME_SIZE + 1,
  L4SHMC_SIGNAL_NAME_SIZE      = 15,
  L4SHMC_SIGNAL_NAME_STRINGLEN = L4SHMC_SIGNAL_NAME_SIZE + 1,

  /* Chunk status, the word producer and consumer hand a chunk over with:
   * a producer takes CLEAR -> BUSY_WRITING and publishes READY; a consumer
   * may claim READY -> BUSY_READING and gives it back as CLEAR. */
  L4SHMC_CHUNK_CLEAR        = 0,
  L4SHMC_CHUNK_BUSY_WRITING = 1,
  L4SHMC_CHUNK_READY        = 2,
  L4SHMC_CHUNK_BUSY_READING = 3,

  L4SHMC_CHUNK_MAGIC = 0xfedcba98,
};

/* A chunk as it sits in the shared memory, followed by its payload.  Only
 * offsets, never pointers or capabilities: every task maps the area at an
 * address of its own.  Every task may write here, so readers check the
 * fields (magic, offsets, size against capacity) before they trust them. */
typedef struct
{
  l4_umword_t _magic;              /* L4SHMC_CHUNK_MAGIC once set up */
  l4_addr_t   _offset;             /* of this descriptor in the area */
  l4_umword_t _capacity;           /* payload bytes (a multiple of a word) */
  l4_umword_t _size;               /* payload bytes currently valid */
  l4_umword_t _status;             /* L4SHMC_CHUNK_* */
  l4_umword_t _signals_to_attach;  /* unused; kept for the layout */
  char        _name[L4SHMC_CHUNK_NAME_STRINGLEN];
  l4_addr_t   _next;               /* offset of the next chunk, 0 = last */
  char        payload[];
} l4shmc_chunk_desc_t;

/* An attached area, local to one task. */
typedef struct
{
  l4re_ds_t    _shm_ds;
  void        *_local_addr;
  char         _name[L4SHMC_NAME_STRINGLEN];
  l4_umword_t  _size;
  l4_umword_t  _client_nr;
} l4shmc_area_t;

/* A signal: an IRQ object this task holds a capability to.  Its address
 * is the label the IRQ is bound with, so an open wait can tell signals
 * apart (l4shmc_wait_any). */
typedef struct
{
  l4_cap_idx_t _sigcap;
} l4shmc_signal_t;

/* A chunk as one task sees it. */
typedef struct
{
  l4shmc_chunk_desc_t *_chunk;     /* in this task's mapping of the area */
  l4shmc_area_t       *_shm;
  l4shmc_signal_t     *_sig;       /* connected signal, or NULL */
  l4_umword_t          _capacity;  /* as found when the chunk was looked up */
} l4shmc_chunk_t;

#endif
