/* A stand-in for servers/ned/loader_*.c that tests what ned hands to the
 * launcher, without moe: each request is printed (capabilities and
 * environment sorted by name); the "program" runs nothing.  It has ended
 * at once with exit code N if an argument is --exit=N (0 without), or
 * keeps "running" until killed if an argument is --run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <l4/sys/consts.h>
#include <l4/sys/err.h>
#include "../../servers/ned/loader.h"

struct loader_app
{
	int  running;
	long code;
	int  released;
};

static int apps_running;

int loader_available(void) { return 1; }

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct loader_cap *)a)->name, ((const struct loader_cap *)b)->name);
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void print_cap(const char *what, l4_cap_idx_t cap)
{
	if (cap & L4_INVALID_CAP_BIT)
		printf(" %s=-", what);
	else
		printf(" %s=0x%lx", what, (unsigned long)(cap >> L4_CAP_SHIFT));
}

int loader_start(const struct loader_request *req, struct loader_app **app)
{
	if (strncmp(req->argv[0], "rom/", 4))
		return -L4_ENOENT;
	struct loader_app *a = calloc(1, sizeof *a);
	struct loader_cap *caps = calloc(req->ncaps + 1, sizeof *caps);
	const char **envp = calloc((size_t)req->envc + 1, sizeof *envp);
	if (!a || !caps || !envp)
		return -L4_ENOMEM;
	printf("loader: start argc=%d", req->argc);
	for (int i = 0; i < req->argc; i++) {
		printf(" [%s]", req->argv[i]);
		if (!strncmp(req->argv[i], "--exit=", 7))
			a->code = strtol(req->argv[i] + 7, NULL, 0);
		if (!strcmp(req->argv[i], "--run"))
			a->running = 1;
	}
	memcpy(envp, req->envp, sizeof *envp * (size_t)req->envc);
	qsort(envp, (size_t)req->envc, sizeof *envp, by_string);
	printf("\nloader: env");
	for (int i = 0; i < req->envc; i++)
		printf(" [%s]", envp[i]);
	memcpy(caps, req->caps, sizeof *caps * req->ncaps);
	qsort(caps, req->ncaps, sizeof *caps, by_name);
	printf("\nloader: caps");
	for (unsigned i = 0; i < req->ncaps; i++)
		printf(" %s=0x%lx/0x%x", caps[i].name, (unsigned long)(caps[i].cap >> L4_CAP_SHIFT), caps[i].rights);
	printf("\nloader: log=%s/%s", req->log_tag ? req->log_tag : "-", req->log_colour ? req->log_colour : "-");
	print_cap("logcap", req->log);
	print_cap("factory", req->factory);
	print_cap("mem", req->mem);
	print_cap("scheduler", req->scheduler);
	printf(" dbg=%lu ldr_flags=%lu\n", req->l4re_dbg, req->ldr_flags);
	free(caps);
	free(envp);
	apps_running += a->running;
	*app = a;
	return 0;
}

enum loader_state loader_state(struct loader_app *app) { return app->running ? LOADER_RUNNING : LOADER_ZOMBIE; }

long loader_wait(struct loader_app *app)
{
	if (app->running) {
		printf("loader: wait on a running program would block forever\n");
		exit(3);
	}
	return app->code;
}

long loader_exit_code(struct loader_app *app) { return app->running ? 0 : app->code; }

void loader_kill(struct loader_app *app)
{
	if (app->running)
		apps_running--;
	app->running = 0;
	app->code = 137;
	printf("loader: killed\n");
}

/* Running ones stay (ned must not end a server it lost track of). */
void loader_release(struct loader_app *app)
{
	if (!app->running)
		free(app);
	else
		app->released = 1;
}

void loader_wait_all(void)
{
	printf("loader: ned waits for %d running program(s)\n", apps_running);
}
