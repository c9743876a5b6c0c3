/* umol4: the command line, the supervisor (the process's main thread) and
 * the boot of the root task.
 *
 * The supervisor forks every task process (they die with the thread that
 * forked them, so it must be the one thread that lives as long as umol4),
 * reaps them, and ends umol4 when the root task ends or a signal asks. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "kernel.h"

#define UMOL4_VERSION "0.1"

enum { EXIT_USAGE = 64, EXIT_HOST = 70, EXIT_BOOT = 72 };

struct boot_config boot = { .mem_size = 1UL << 30 };
static pthread_t supervisor;
static int request_pipe[2];

struct sv_request {
	int (*fn)(void *);
	void *arg;
	int result;
	sem_t done;
};

int supervisor_call(int (*fn)(void *), void *arg)
{
	if (pthread_equal(pthread_self(), supervisor))
		return fn(arg);
	struct sv_request r = { fn, arg, 0, { { 0 } } };
	sem_init(&r.done, 0, 0);
	struct sv_request *p = &r;
	if (write(request_pipe[1], &p, sizeof p) != sizeof p)
		return -EIO;
	while (sem_wait(&r.done) && errno == EINTR)
		;
	sem_destroy(&r.done);
	return r.result;
}

static int root_exit_code(void)
{
	int st = root_task->exit_status;
	if (root_task->killed_by_kernel)
		return 128 + (st & 0x7f);
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return EXIT_BOOT;
}

/* End every task process and reap it: nothing outlives umol4. */
static void kill_all_tasks(void)
{
	for (struct task *t = task_list; t; t = t->next_task)
		if (!t->dead && t->space)
			plat_space_kill(t->space);
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
}

static int supervise(int sfd)
{
	struct pollfd pfd[2] = { { sfd, POLLIN, 0 }, { request_pipe[0], POLLIN, 0 } };
	for (;;) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			return EXIT_BOOT;
		if (pfd[1].revents & POLLIN) {
			struct sv_request *r;
			if (read(request_pipe[0], &r, sizeof r) == sizeof r) {
				r->result = r->fn(r->arg);
				sem_post(&r->done);
			}
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		struct signalfd_siginfo si;
		if (read(sfd, &si, sizeof si) != sizeof si)
			continue;
		if (si.ssi_signo != SIGCHLD) {
			/* A kernel stuck with its lock held must not keep umol4
			 * alive: after a second, end without it; the task
			 * processes die with this thread (they were tied to it). */
			struct timespec limit;
			clock_gettime(CLOCK_REALTIME, &limit);
			limit.tv_sec += 1;
			if (pthread_mutex_timedlock(&kernel_lock, &limit)) {
				kernel_log("the kernel does not answer; ending without it");
				return 128 + si.ssi_signo;
			}
			kill_all_tasks();
			return 128 + si.ssi_signo;
		}
		int st;
		pid_t pid;
		bool root_gone = false, sigma0_gone = false;
		pthread_mutex_lock(&kernel_lock);
		/* Only this thread's own children: a platform that traces its
		 * tasks waits for them in its tracer and reports them here. */
		while ((pid = waitpid(-1, &st, WNOHANG | __WALL | __WNOTHREAD)) > 0 ||
		       (pid = plat_reaped(&st)) > 0) {
			task_process_exited(pid, st);
			if (root_task && pid == plat_space_pid(root_task->space))
				root_gone = true;
			if (sigma0_task && pid == plat_space_pid(sigma0_task->space))
				sigma0_gone = true;
		}
		if (sigma0_gone && !root_gone) {
			/* Nothing pages the root task any more. */
			kernel_log("sigma0 ended: the system cannot go on");
			kill_all_tasks();
			return EXIT_BOOT;
		}
		if (root_gone) {
			int code = root_exit_code();
			if (boot.verbose)
				kernel_log("root task ended with exit code %d", code);
			kill_all_tasks();
			return code;
		}
		pthread_mutex_unlock(&kernel_lock);
	}
}

static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	default: break;
	}
	return *end || v < (16UL << 20) || v > (1ULL << 40) ? 0 : v;
}

/* PATH or PATH=NAME: a boot module the kernel places for the root task. */
static int add_module(char *arg, const char *cmdline)
{
	if (boot.nmodules == sizeof boot.modules / sizeof boot.modules[0]) {
		fprintf(stderr, "umol4: too many boot modules (at most %zu)\n", sizeof boot.modules / sizeof boot.modules[0]);
		return -1;
	}
	char *eq = strchr(arg, '=');
	if (eq)
		*eq = 0;
	const char *slash = strrchr(arg, '/');
	const char *name = eq ? eq + 1 : slash ? slash + 1 : arg;
	if (access(arg, R_OK) || !*name || strlen(name) >= 64) {
		fprintf(stderr, "umol4: module %s: %s\n", arg, *name && strlen(name) < 64 ? strerror(errno) : "bad name");
		return -1;
	}
	boot.modules[boot.nmodules++] = (struct boot_module){ arg, name, cmdline };
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: umol4 [options] run PROGRAM [ARGS...]\n"
		"       umol4 [options] boot MODULES.LIST [ENTRY]\n"
		"       umol4 [options] ned SCRIPT.lua [MODULE...]\n"
		"Boots an L4 system on this Linux machine: with PROGRAM as its root task, with\n"
		"an entry of a modules.list file, or with moe and ned running a ned script\n"
		"(plus the modules it names as rom/NAME that the module path holds).\n"
		"  -m, --memory=SIZE     physical memory (default 1G; 16M to 1T; K/M/G suffixes)\n"
		"      --sigma0=PATH     the sigma0 program (default: umol4-sigma0 beside umol4)\n"
		"  -p, --path=DIR:DIR    where modules are searched (then the list's or script's\n"
		"                        directory, then umol4's); NAME is found as NAME or umol4-NAME\n"
		"      --module=PATH[=NAME]  a boot module (rom/NAME for the root task; NAME\n"
		"                        defaults to the file name); may be repeated\n"
		"      --trace=LIST      print events: ipc,exc,task (comma separated)\n"
		"      --platform=NAME   how tasks are hosted: seccomp (default) or ptrace\n"
		"  -v, --verbose         report what the kernel does\n"
		"      --help, --version\n"
		"Exit code: the root task's; 64 usage, 70/71 host lacks a feature, 72 boot failed,\n"
		"73 the host forbids ptrace (--platform=ptrace),\n"
		"128+N when a task or umol4 ended by signal N.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "memory", required_argument, NULL, 'm' }, { "trace", required_argument, NULL, 't' },
		{ "platform", required_argument, NULL, 'L' },
		{ "sigma0", required_argument, NULL, 's' }, { "module", required_argument, NULL, 'M' },
		{ "path", required_argument, NULL, 'p' }, { "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' }, { 0, 0, 0, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "+m:p:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (!(boot.mem_size = parse_size(optarg))) {
				fprintf(stderr, "umol4: bad memory size '%s' (16M to 1T)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 't':
			if (!*optarg) {     /* an empty list is a mistake, not "trace nothing" */
				fprintf(stderr, "umol4: --trace needs a list (ipc, exc, task)\n");
				return EXIT_USAGE;
			}
			for (char *tok = strtok(optarg, ","); tok; tok = strtok(NULL, ",")) {
				if (!strcmp(tok, "ipc")) boot.trace |= TRACE_IPC;
				else if (!strcmp(tok, "exc")) boot.trace |= TRACE_EXC;
				else if (!strcmp(tok, "task")) boot.trace |= TRACE_TASK;
				else {
					fprintf(stderr, "umol4: unknown trace '%s' (ipc, exc, task)\n", tok);
					return EXIT_USAGE;
				}
			}
			break;
		case 'L':
			if (plat_select(optarg)) {
				fprintf(stderr, "umol4: platform '%s' is not built in (have: %s)\n", optarg, plat_names());
				return EXIT_USAGE;
			}
			break;
		case 's': boot.sigma0_path = optarg; break;
		case 'p':
			bootlist_add_path(optarg);
			break;
		case 'M':
			if (add_module(optarg, NULL))
				return EXIT_USAGE;
			break;
		case 'v': boot.verbose = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("umol4 %s (platform %s)\n", UMOL4_VERSION, plat_name()); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	const char *slash = strrchr(argv[0], '/');
	static char bin_dir[3072];
	snprintf(bin_dir, sizeof bin_dir, "%.*s", slash ? (int)(slash - argv[0]) : 1, slash ? argv[0] : ".");
	const char *cmd = optind < argc ? argv[optind] : "";
	if (optind + 2 > argc || (strcmp(cmd, "run") && strcmp(cmd, "boot") && strcmp(cmd, "ned")) ||
	    (!strcmp(cmd, "boot") && optind + 3 < argc)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "run")) {
		boot.root_path = argv[optind + 1];
		boot.root_argc = argc - optind - 1;
		boot.root_argv = argv + optind + 1;
	} else if (!strcmp(cmd, "boot") ? bootlist_load(argv[optind + 1], argv[optind + 2], bin_dir)
					 : bootlist_ned(argv[optind + 1], argc - optind - 2, argv + optind + 2, bin_dir)) {
		return EXIT_USAGE;
	}
	static char s0[4096];
	if (!boot.sigma0_path) {
		/* Beside the umol4 binary, like the task stub. */
		snprintf(s0, sizeof s0, "%s/umol4-sigma0", bin_dir);
		boot.sigma0_path = s0;
	}
	const char *programs[] = { boot.root_path, boot.sigma0_path };
	for (unsigned i = 0; i < 2; i++)
		if (access(programs[i], R_OK)) {
			fprintf(stderr, "umol4: %s: %s\n", programs[i], strerror(errno));
			return EXIT_USAGE;
		}

	/* Keep the whole system on one host CPU: a blocking hand-off across
	 * CPUs costs ten times one on the same CPU here (ARCHITECTURE.md). */
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() >= 0 ? sched_getcpu() : 0, &one);
	sched_setaffinity(0, sizeof one, &one);

	sigset_t ss;
	sigemptyset(&ss);
	sigaddset(&ss, SIGCHLD);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGHUP);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	int sfd = signalfd(-1, &ss, SFD_CLOEXEC);
	supervisor = pthread_self();
	if (sfd < 0 || pipe2(request_pipe, O_CLOEXEC)) {
		perror("umol4");
		return EXIT_HOST;
	}
	int r = plat_init(argv[0], boot.mem_size);
	if (r)
		return r;
	physmem_init(boot.mem_size);
	kip_calibrate();
	timer_start();
	if (boot_system()) {
		pthread_mutex_lock(&kernel_lock);
		kill_all_tasks();
		return EXIT_BOOT;
	}
	int code = supervise(sfd);
	fflush(stdout);
	_exit(code);
}
