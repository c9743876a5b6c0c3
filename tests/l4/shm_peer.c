/* One side of a dataspace shared by two tasks that ned started: "write N"
 * fills the dataspace named "shm" with a pattern from N; "read N" checks
 * that pattern through its own mapping.  Exit 0 if all went well. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <l4/re/env.h>
#include <l4/re/c/rm.h>
#include <l4/re/c/dataspace.h>

int main(int argc, char **argv)
{
	l4re_ds_t ds = l4re_env_get_cap("shm");
	if (argc < 3 || l4_is_invalid_cap(ds)) {
		printf("usage: shm_peer write|read N (with an 'shm' dataspace)\n");
		return 2;
	}
	long size = l4re_ds_size(ds);
	unsigned char *p = NULL;
	bool write = !strcmp(argv[1], "write");
	int r = l4re_rm_attach((void **)&p, (unsigned long)size,
			       L4RE_RM_F_SEARCH_ADDR | (write ? L4RE_RM_F_RW : L4RE_RM_F_R), ds, 0, L4_PAGESHIFT);
	if (size <= 0 || r) {
		printf("cannot attach the dataspace (size %ld, error %d)\n", size, r);
		return 3;
	}
	unsigned seed = (unsigned)strtoul(argv[2], NULL, 0);
	if (write) {
		for (long i = 0; i < size; i++)
			p[i] = (unsigned char)(seed + i * 7);
		printf("wrote %ld bytes\n", size);
		return 0;
	}
	for (long i = 0; i < size; i++)
		if (p[i] != (unsigned char)(seed + i * 7)) {
			printf("byte %ld differs: %u\n", i, p[i]);
			return 1;
		}
	printf("read %ld bytes, all as written\n", size);
	return 0;
}
