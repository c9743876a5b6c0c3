/* The host's limits for bench/fault, measured the way umol4 uses Linux:
 * pages of one memfd (the physical memory) mapped MAP_SHARED into a
 * process.  Prints one "name ns" line each:
 *   host_fault_ns      mmap of one memfd page + first touch (the page
 *                      already exists in the memfd, as umol4's do)
 *   host_map_4k_ns     mmap of one 4 KiB memfd page, untouched
 *   host_unmap_4k_ns   munmap of it
 *   host_map_2m_ns     mmap of 2 MiB of the memfd, untouched
 *   host_unmap_2m_ns   munmap of it
 *   host_revoke_10k_ns munmap of 10,000 separately mapped (touched)
 *                      pages, in two address spaces (B and C) */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGES 2000
#define MAPS_4K 4096
#define MAPS_2M 21
#define REVOKE 10000
#define ROUNDS 5

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static int fd;

static char *map_at(char *at, size_t len, off_t off)
{
	char *p = mmap(at, len, PROT_READ | PROT_WRITE, MAP_SHARED | (at ? MAP_FIXED : 0), fd, off);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

/* One figure: ROUNDS times n mappings of len bytes at base; touch each
 * right after its mmap if asked; time the maps and the unmaps apart. */
static void map_unmap(char *base, size_t len, unsigned n, int touch, double *tmap, double *tunmap)
{
	*tmap = *tunmap = 0;
	for (unsigned r = 0; r < ROUNDS; r++) {
		double t0 = now();
		for (unsigned i = 0; i < n; i++) {
			char *p = map_at(base + i * len, len, (off_t)i * len);
			if (touch)
				*(volatile char *)p = 1;
		}
		double t1 = now();
		for (unsigned i = 0; i < n; i++)
			munmap(base + i * len, len);
		*tmap += t1 - t0;
		*tunmap += now() - t1;
	}
	*tmap /= ROUNDS * n;
	*tunmap /= ROUNDS * n;
}

/* Unmap of REVOKE pages mapped one by one, every other page so that
 * Linux cannot merge them into one area (umol4's pages need not be
 * contiguous in the memfd either). */
static double revoke_once(char *base)
{
	for (unsigned i = 0; i < REVOKE; i++)
		*(volatile char *)map_at(base + 2UL * i * 4096, 4096, (off_t)i * 4096) = 1;
	double t0 = now();
	munmap(base, 2UL * REVOKE * 4096);
	return now() - t0;
}

int main(void)
{
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	sched_setaffinity(0, sizeof one, &one);
	fd = memfd_create("host-phys", 0);
	size_t size = 64UL << 20;
	if (fd < 0 || ftruncate(fd, size)) {
		perror("memfd");
		return 1;
	}
	memset(map_at(NULL, size, 0), 1, size);    /* the pages exist, as umol4's do */
	char *area = mmap(NULL, 2 * size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *base = (char *)(((unsigned long)area + (2UL << 20) - 1) & ~((2UL << 20) - 1));
	double m, u;
	map_unmap(base, 4096, PAGES, 1, &m, &u);
	printf("host_fault_ns %.0f\n", m);
	map_unmap(base, 4096, MAPS_4K, 0, &m, &u);
	printf("host_map_4k_ns %.0f\nhost_unmap_4k_ns %.0f\n", m, u);
	map_unmap(base, 2UL << 20, MAPS_2M, 0, &m, &u);
	printf("host_map_2m_ns %.0f\nhost_unmap_2m_ns %.0f\n", m, u);
	/* Two levels below A (B and C): the same work in two address spaces,
	 * measured here twice in this one. */
	double t = 0;
	for (unsigned r = 0; r < 2; r++)
		t += revoke_once(base) + revoke_once(base);
	printf("host_revoke_10k_ns %.0f\n", t / 2);
	return 0;
}
