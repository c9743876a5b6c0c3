/* Protocol labels of the L4Re interfaces (the tag label of every L4Re
 * request; MR0 is the opcode, see docs/l4re-runtime.md). */
#ifndef L4_RE_PROTOCOLS_H
#define L4_RE_PROTOCOLS_H

enum L4re_protocols
{
  L4RE_PROTO_DATASPACE    = 0x4000,
  L4RE_PROTO_NAMESPACE    = 0x4001,
  L4RE_PROTO_PARENT       = 0x4002,
  L4RE_PROTO_GOOS         = 0x4003,
  L4RE_PROTO_RSVD_1       = 0x4004,
  L4RE_PROTO_RM           = 0x4005,
  L4RE_PROTO_EVENT        = 0x4006,
  L4RE_PROTO_INHIBITOR    = 0x4007,
  L4RE_PROTO_DMA_SPACE    = 0x4008,
  L4RE_PROTO_MMIO_SPACE   = 0x4009,
  L4RE_PROTO_ITAS         = 0x400a,
  L4RE_PROTO_MEM_ALLOC    = 0x400b,
  L4RE_PROTO_REMOTE_ACCESS= 0x400c,
  L4RE_PROTO_DEBUG        = ~0x7fff,
};

#endif
