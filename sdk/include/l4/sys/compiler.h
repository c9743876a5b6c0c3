/* Compiler glue shared by all umol4 SDK headers: linkage, inline and attribute macros. */
#ifndef L4_SYS_COMPILER_H
#define L4_SYS_COMPILER_H

/* Every SDK function is a small static inline so that a program needs no
 * SDK library for the system-call API; a copy is emitted only where its
 * address is taken. */
#ifndef L4_INLINE
#  define L4_INLINE static __inline__
#endif
#define L4_ALWAYS_INLINE L4_INLINE __attribute__((__always_inline__))

/* amd64 has a single calling convention. */
#define L4_CV

#ifdef __cplusplus
#  define L4_BEGIN_DECLS  extern "C" {
#  define L4_END_DECLS    }
#  define EXTERN_C_BEGIN  extern "C" {
#  define EXTERN_C_END    }
#  define EXTERN_C        extern "C"
#  if __cplusplus >= 201103L
#    define L4_NOTHROW    noexcept
#  else
#    define L4_NOTHROW    throw()
#  endif
#  define L4_DEFAULT_PARAM(x) = x
#  ifndef __BEGIN_DECLS
#    define __BEGIN_DECLS extern "C" {
#  endif
#  ifndef __END_DECLS
#    define __END_DECLS   }
#  endif
#else
#  define L4_BEGIN_DECLS
#  define L4_END_DECLS
#  define EXTERN_C_BEGIN
#  define EXTERN_C_END
#  define EXTERN_C
#  define L4_NOTHROW
#  define L4_DEFAULT_PARAM(x)
#  ifndef __BEGIN_DECLS
#    define __BEGIN_DECLS
#  endif
#  ifndef __END_DECLS
#    define __END_DECLS
#  endif
#endif

/* Kept empty: a C++ constexpr would reject the compound literals that the
 * C headers use, and C has no such keyword. */
#define L4_CONSTEXPR

#define L4_NORETURN       __attribute__((noreturn))
#define L4_PURE           __attribute__((pure))
#define L4_MUSTCHECK      __attribute__((warn_unused_result))
#define L4_NOINSTRUMENT   __attribute__((no_instrument_function))
#define L4_DEPRECATED(s)  __attribute__((deprecated(s)))
#define L4_STICKY(x)      __attribute__((used)) x
#ifndef L4_HIDDEN
#  define L4_HIDDEN       __attribute__((visibility("hidden")))
#endif
#ifndef L4_EXPORT
#  define L4_EXPORT       __attribute__((visibility("default")))
#endif
#ifdef __cplusplus
#  define L4_EXPORT_TYPE  __attribute__((visibility("default")))
#else
#  define L4_EXPORT_TYPE
#endif

#define L4_LIKELY(x)      __builtin_expect(!!(x), 1)
#define L4_UNLIKELY(x)    __builtin_expect(!!(x), 0)

#define L4_stringify_helper(x) #x
#define L4_stringify(x)        L4_stringify_helper(x)

#define L4_STRONG_ALIAS(name, aliasname) \
  extern __typeof(name) aliasname __attribute__((alias(#name)));

#define L4_DECLARE_CONSTRUCTOR(func, prio) \
  static __inline__ __attribute__((constructor(prio))) void \
  func##_ctor_func(void) { func(); }

#if !defined(__ASSEMBLER__) && !defined(__ASSEMBLY__)
/* Compiler-only barriers: the kernel and other threads see memory in
 * program order on x86, so only the compiler must be stopped. */
L4_INLINE void l4_barrier(void) L4_NOTHROW
{ __asm__ __volatile__("" : : : "memory"); }

L4_INLINE void l4_mb(void) L4_NOTHROW
{ __asm__ __volatile__("" : : : "memory"); }

L4_INLINE void l4_wmb(void) L4_NOTHROW
{ __asm__ __volatile__("" : : : "memory"); }
#endif

#endif
