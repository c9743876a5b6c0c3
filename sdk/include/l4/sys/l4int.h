/* Fixed-size integer and machine-word types of the L4 API (amd64, LP64). */
#ifndef L4_SYS_L4INT_H
#define L4_SYS_L4INT_H

#define L4_MWORD_BITS 64

typedef signed char         l4_int8_t;
typedef unsigned char       l4_uint8_t;
typedef signed short        l4_int16_t;
typedef unsigned short      l4_uint16_t;
typedef signed int          l4_int32_t;
typedef unsigned int        l4_uint32_t;
typedef signed long long    l4_int64_t;
typedef unsigned long long  l4_uint64_t;

typedef unsigned long       l4_addr_t;
typedef signed long         l4_mword_t;
typedef unsigned long       l4_umword_t;
typedef unsigned long       l4_size_t;
typedef signed long         l4_ssize_t;

typedef l4_uint64_t         l4_cpu_time_t;
typedef l4_uint64_t         l4_kernel_clock_t;

/* Capability selector: slot number << L4_CAP_SHIFT, low bits are flags. */
typedef unsigned long       l4_cap_idx_t;

#endif
