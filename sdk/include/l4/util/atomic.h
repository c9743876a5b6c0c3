/* l4util atomic operations (sequentially consistent) on 8- to 64-bit integers. */
#ifndef L4_UTIL_ATOMIC_H
#define L4_UTIL_ATOMIC_H

#include <l4/sys/compiler.h>
#include <l4/sys/l4int.h>

/* Compare and exchange: store new_val if *dest == cmp_val; 1 if stored. */
L4_INLINE int
l4util_cmpxchg64(volatile l4_uint64_t *dest, l4_uint64_t cmp_val, l4_uint64_t new_val) L4_NOTHROW
{ return __atomic_compare_exchange_n(dest, &cmp_val, new_val, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); }

L4_INLINE int
l4util_cmpxchg32(volatile l4_uint32_t *dest, l4_uint32_t cmp_val, l4_uint32_t new_val) L4_NOTHROW
{ return __atomic_compare_exchange_n(dest, &cmp_val, new_val, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); }

L4_INLINE int
l4util_cmpxchg16(volatile l4_uint16_t *dest, l4_uint16_t cmp_val, l4_uint16_t new_val) L4_NOTHROW
{ return __atomic_compare_exchange_n(dest, &cmp_val, new_val, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); }

L4_INLINE int
l4util_cmpxchg8(volatile l4_uint8_t *dest, l4_uint8_t cmp_val, l4_uint8_t new_val) L4_NOTHROW
{ return __atomic_compare_exchange_n(dest, &cmp_val, new_val, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); }

L4_INLINE int
l4util_cmpxchg(volatile l4_umword_t *dest, l4_umword_t cmp_val, l4_umword_t new_val) L4_NOTHROW
{ return __atomic_compare_exchange_n(dest, &cmp_val, new_val, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); }

/* Exchange: store val, return the old value. */
L4_INLINE l4_uint32_t l4util_xchg32(volatile l4_uint32_t *dest, l4_uint32_t val) L4_NOTHROW
{ return __atomic_exchange_n(dest, val, __ATOMIC_SEQ_CST); }

L4_INLINE l4_uint16_t l4util_xchg16(volatile l4_uint16_t *dest, l4_uint16_t val) L4_NOTHROW
{ return __atomic_exchange_n(dest, val, __ATOMIC_SEQ_CST); }

L4_INLINE l4_uint8_t l4util_xchg8(volatile l4_uint8_t *dest, l4_uint8_t val) L4_NOTHROW
{ return __atomic_exchange_n(dest, val, __ATOMIC_SEQ_CST); }

L4_INLINE l4_umword_t l4util_xchg(volatile l4_umword_t *dest, l4_umword_t val) L4_NOTHROW
{ return __atomic_exchange_n(dest, val, __ATOMIC_SEQ_CST); }

/* add/sub/and/or for 8, 16 and 32 bits, each without result (NAME) and
 * returning the new value (NAME_res). Generated, because the twenty-four
 * functions differ only in width and operator. */
#define L4UTIL_ATOMIC_OP_(name, bits, builtin)                                  \
  L4_INLINE void                                                               \
  l4util_##name##bits(volatile l4_uint##bits##_t *dest, l4_uint##bits##_t val) \
    L4_NOTHROW                                                                 \
  { (void)builtin(dest, val, __ATOMIC_SEQ_CST); }                              \
  L4_INLINE l4_uint##bits##_t                                                  \
  l4util_##name##bits##_res(volatile l4_uint##bits##_t *dest,                  \
                            l4_uint##bits##_t val) L4_NOTHROW                  \
  { return builtin(dest, val, __ATOMIC_SEQ_CST); }

#define L4UTIL_ATOMIC_OPS_(bits)                             \
  L4UTIL_ATOMIC_OP_(add, bits, __atomic_add_fetch)           \
  L4UTIL_ATOMIC_OP_(sub, bits, __atomic_sub_fetch)           \
  L4UTIL_ATOMIC_OP_(and, bits, __atomic_and_fetch)           \
  L4UTIL_ATOMIC_OP_(or, bits, __atomic_or_fetch)             \
  L4_INLINE void l4util_inc##bits(volatile l4_uint##bits##_t *dest) L4_NOTHROW \
  { (void)__atomic_add_fetch(dest, 1, __ATOMIC_SEQ_CST); }   \
  L4_INLINE void l4util_dec##bits(volatile l4_uint##bits##_t *dest) L4_NOTHROW \
  { (void)__atomic_sub_fetch(dest, 1, __ATOMIC_SEQ_CST); }   \
  L4_INLINE l4_uint##bits##_t                                \
  l4util_inc##bits##_res(volatile l4_uint##bits##_t *dest) L4_NOTHROW \
  { return __atomic_add_fetch(dest, 1, __ATOMIC_SEQ_CST); }  \
  L4_INLINE l4_uint##bits##_t                                \
  l4util_dec##bits##_res(volatile l4_uint##bits##_t *dest) L4_NOTHROW \
  { return __atomic_sub_fetch(dest, 1, __ATOMIC_SEQ_CST); }

L4UTIL_ATOMIC_OPS_(8)
L4UTIL_ATOMIC_OPS_(16)
L4UTIL_ATOMIC_OPS_(32)

#undef L4UTIL_ATOMIC_OPS_
#undef L4UTIL_ATOMIC_OP_

L4_INLINE l4_umword_t l4util_dec_res(volatile l4_umword_t *dest) L4_NOTHROW
{ return __atomic_sub_fetch(dest, 1, __ATOMIC_SEQ_CST); }

L4_INLINE void l4util_atomic_add(volatile long *dest, long val) L4_NOTHROW
{ (void)__atomic_add_fetch(dest, val, __ATOMIC_SEQ_CST); }

L4_INLINE void l4util_atomic_inc(volatile long *dest) L4_NOTHROW
{ (void)__atomic_add_fetch(dest, 1, __ATOMIC_SEQ_CST); }

#endif
