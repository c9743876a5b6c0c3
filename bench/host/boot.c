/* Measures how long a command takes to print its first line containing
 * MARK and to exit, or the memory (PSS) of the command and all its
 * descendants once it printed MARK.  The boot benchmark runs it on umol4
 * booting a scenario and on the same program run natively.
 *
 *   boot time N MARK CMD...   median over N runs: first_line_ns exit_ns
 *   boot pss MARK CMD...      pss_kib of the process tree, then SIGTERM */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Start cmd with its stdout (and stderr) on a pipe; *fp reads it. */
static pid_t start(char **cmd, FILE **fp)
{
	int p[2];
	if (pipe(p))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	close(p[1]);
	*fp = fdopen(p[0], "r");
	return pid;
}

/* Read lines until one contains mark; false at end of output. */
static int wait_mark(FILE *f, const char *mark)
{
	char line[4096];
	while (fgets(line, sizeof line, f))
		if (strstr(line, mark))
			return 1;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

static int time_runs(int n, const char *mark, char **cmd)
{
	long long first[64], done[64];
	if (n < 1 || n > 64)
		n = 5;
	for (int i = 0; i < n; i++) {
		FILE *f;
		long long t0 = now();
		pid_t pid = start(cmd, &f);
		if (pid < 0 || !wait_mark(f, mark)) {
			fprintf(stderr, "boot: %s never printed '%s'\n", cmd[0], mark);
			return 1;
		}
		first[i] = now() - t0;
		char buf[4096];
		while (fread(buf, 1, sizeof buf, f) > 0)
			;
		int st;
		waitpid(pid, &st, 0);
		done[i] = now() - t0;
		fclose(f);
	}
	qsort(first, (size_t)n, sizeof first[0], cmp);
	qsort(done, (size_t)n, sizeof done[0], cmp);
	printf("first_line_ns %lld\nexit_ns %lld\n", first[n / 2], done[n / 2]);
	return 0;
}

/* Pss of one process from smaps_rollup, in KiB. */
static long pss_of(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/smaps_rollup", pid);
	FILE *f = fopen(path, "r");
	long kib = 0;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "Pss:", 4))
			kib = strtol(line + 4, NULL, 10);
	if (f)
		fclose(f);
	return kib;
}

/* pid and every process whose parent chain leads to it. */
static long pss_tree(pid_t root, int *count)
{
	long sum = pss_of(root);
	(*count)++;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		pid_t pid = atoi(e->d_name);
		if (pid <= 0)
			continue;
		char path[64], buf[512];
		snprintf(path, sizeof path, "/proc/%d/stat", pid);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		int ppid = 0;
		if (fgets(buf, sizeof buf, f)) {
			char *rp = strrchr(buf, ')');
			if (rp)
				sscanf(rp + 2, "%*c %d", &ppid);
		}
		fclose(f);
		if (ppid == root)
			sum += pss_tree(pid, count);
	}
	if (d)
		closedir(d);
	return sum;
}

static int measure_pss(const char *mark, char **cmd)
{
	FILE *f;
	pid_t pid = start(cmd, &f);
	if (pid < 0 || !wait_mark(f, mark)) {
		fprintf(stderr, "boot: %s never printed '%s'\n", cmd[0], mark);
		return 1;
	}
	usleep(200000);          /* let it settle into its idle state */
	int procs = 0;
	long kib = pss_tree(pid, &procs);
	kill(pid, SIGTERM);
	int st;
	waitpid(pid, &st, 0);
	printf("pss_kib %ld\nprocesses %d\n", kib, procs);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "time"))
		return time_runs(atoi(argv[2]), argv[3], argv + 4);
	if (argc >= 4 && !strcmp(argv[1], "pss"))
		return measure_pss(argv[2], argv + 3);
	fprintf(stderr, "usage: boot time N MARK CMD... | boot pss MARK CMD...\n");
	return 64;
}
