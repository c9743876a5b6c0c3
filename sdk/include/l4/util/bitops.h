/* l4util bit operations on arrays of machine words (atomic where they modify). */
#ifndef L4_UTIL_BITOPS_H
#define L4_UTIL_BITOPS_H

#include <l4/sys/compiler.h>
#include <l4/sys/l4int.h>

#define l4util_test_and_clear_bit(b, dest)  l4util_btr(b, dest)
#define l4util_test_and_set_bit(b, dest)    l4util_bts(b, dest)
#define l4util_test_and_change_bit(b, dest) l4util_btc(b, dest)
#define l4util_log2(word)                   l4util_bsr(word)

/* Bit b of an array counts from bit 0 of dest[0] upwards. */
#define L4UTIL_WORD_(dest, b) ((dest) + (unsigned)(b) / L4_MWORD_BITS)
#define L4UTIL_MASK_(b)       (1UL << ((unsigned)(b) % L4_MWORD_BITS))

L4_INLINE void l4util_set_bit(int b, volatile l4_umword_t *dest) L4_NOTHROW
{ __atomic_fetch_or(L4UTIL_WORD_(dest, b), L4UTIL_MASK_(b), __ATOMIC_SEQ_CST); }

L4_INLINE void l4util_clear_bit(int b, volatile l4_umword_t *dest) L4_NOTHROW
{ __atomic_fetch_and(L4UTIL_WORD_(dest, b), ~L4UTIL_MASK_(b), __ATOMIC_SEQ_CST); }

L4_INLINE void l4util_complement_bit(int b, volatile l4_umword_t *dest) L4_NOTHROW
{ __atomic_fetch_xor(L4UTIL_WORD_(dest, b), L4UTIL_MASK_(b), __ATOMIC_SEQ_CST); }

L4_INLINE int l4util_test_bit(int b, const volatile l4_umword_t *dest) L4_NOTHROW
{ return (*L4UTIL_WORD_(dest, b) & L4UTIL_MASK_(b)) != 0; }

/* Test and set / reset / complement: return the bit's old value. */
L4_INLINE int l4util_bts(int b, volatile l4_umword_t *dest) L4_NOTHROW
{ return (__atomic_fetch_or(L4UTIL_WORD_(dest, b), L4UTIL_MASK_(b), __ATOMIC_SEQ_CST) & L4UTIL_MASK_(b)) != 0; }

L4_INLINE int l4util_btr(int b, volatile l4_umword_t *dest) L4_NOTHROW
{ return (__atomic_fetch_and(L4UTIL_WORD_(dest, b), ~L4UTIL_MASK_(b), __ATOMIC_SEQ_CST) & L4UTIL_MASK_(b)) != 0; }

L4_INLINE int l4util_btc(int b, volatile l4_umword_t *dest) L4_NOTHROW
{ return (__atomic_fetch_xor(L4UTIL_WORD_(dest, b), L4UTIL_MASK_(b), __ATOMIC_SEQ_CST) & L4UTIL_MASK_(b)) != 0; }

/* Index of the most / least significant set bit, -1 for 0. */
L4_INLINE int l4util_bsr(l4_umword_t word) L4_NOTHROW
{ return word ? L4_MWORD_BITS - 1 - __builtin_clzl(word) : -1; }

L4_INLINE int l4util_bsf(l4_umword_t word) L4_NOTHROW
{ return word ? __builtin_ctzl(word) : -1; }

/* First set / clear bit among the first size bits (size a multiple of
 * L4_MWORD_BITS); a value >= size if there is none. */
L4_INLINE int l4util_find_first_set_bit(void const *dest, l4_size_t size) L4_NOTHROW
{
  l4_umword_t const *w = (l4_umword_t const *)dest;
  l4_size_t i;
  for (i = 0; i < size; i += L4_MWORD_BITS, ++w)
    if (*w)
      return (int)(i + (l4_size_t)__builtin_ctzl(*w));
  return (int)size;
}

L4_INLINE int l4util_find_first_zero_bit(void const *dest, l4_size_t size) L4_NOTHROW
{
  l4_umword_t const *w = (l4_umword_t const *)dest;
  l4_size_t i;
  for (i = 0; i < size; i += L4_MWORD_BITS, ++w)
    if (~*w)
      return (int)(i + (l4_size_t)__builtin_ctzl(~*w));
  return (int)size;
}

/* Smallest power of two >= val (1 for 0). */
L4_INLINE int l4util_next_power2(unsigned long val) L4_NOTHROW
{
  if (val <= 1)
    return 1;
  return (int)(1UL << (L4_MWORD_BITS - __builtin_clzl(val - 1)));
}

#endif
