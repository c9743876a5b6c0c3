/* The loader over moe's launcher (<l4/umol4/launch.h>): the program's
 * ELF file is rom/ as a dataspace, everything else maps field by field.
 *
 * ned keeps every program it started in a list, referenced from Lua or
 * not: a server whose task object the script dropped must keep running
 * (the launcher's release would kill it), and ned's exit waits for all. */
#include <stdlib.h>
#include <l4/sys/consts.h>
#include <l4/sys/err.h>
#include <l4/umol4/launch.h>
#include "loader.h"
#include "rom.h"

struct loader_app
{
	struct umol4_child *child;
	int                 referenced;   /* a Lua task object points here */
	struct loader_app  *next;
};

static struct loader_app *apps;

int loader_available(void) { return 1; }

int loader_start(const struct loader_request *req, struct loader_app **app)
{
	*app = NULL;
	struct umol4_launch_params p;
	umol4_launch_params_init(&p);
	int e = rom_dataspace(req->argv[0], &p.binary);
	if (e < 0)
		return e;
	struct umol4_launch_cap *caps = calloc(req->ncaps + 1, sizeof *caps);
	struct loader_app *a = calloc(1, sizeof *a);
	if (!caps || !a) {
		free(caps);
		free(a);
		return -L4_ENOMEM;
	}
	/* The launcher maps with the RWSD rights; the object-specific bits
	 * (:svr()'s 0xe0, "n") have no meaning to umol4's kernel objects. */
	for (unsigned i = 0; i < req->ncaps; i++)
		caps[i] = (struct umol4_launch_cap){ req->caps[i].name, req->caps[i].cap,
						     req->caps[i].rights & L4_CAP_FPAGE_RWSD };
	p.argv = req->argv;
	p.envp = req->envp;
	p.caps = caps;
	p.num_caps = req->ncaps;
	p.log_tag = req->log_tag;
	p.log_color = req->log_colour;
	p.log = req->log;
	p.factory = req->factory;
	p.mem_alloc = req->mem;
	p.scheduler = req->scheduler;
	e = umol4_launch(&p, &a->child);
	free(caps);
	if (e < 0) {
		free(a);
		return e;
	}
	a->referenced = 1;
	a->next = apps;
	apps = a;
	*app = a;
	return 0;
}

enum loader_state loader_state(struct loader_app *app)
{
	return umol4_child_state(app->child, NULL) == UMOL4_CHILD_RUNNING ? LOADER_RUNNING : LOADER_ZOMBIE;
}

long loader_wait(struct loader_app *app)
{
	int code = 0;
	if (umol4_child_wait(app->child, ~0UL, &code) < 0)
		return -1;
	return code;
}

long loader_exit_code(struct loader_app *app)
{
	int code = 0;
	if (umol4_child_state(app->child, &code) == UMOL4_CHILD_RUNNING)
		return 0;
	return code;
}

void loader_kill(struct loader_app *app)
{
	umol4_child_kill(app->child);
}

/* Free every program no task object refers to that has ended. */
static void reap(void)
{
	for (struct loader_app **pp = &apps; *pp;) {
		struct loader_app *a = *pp;
		if (a->referenced || umol4_child_state(a->child, NULL) == UMOL4_CHILD_RUNNING) {
			pp = &a->next;
			continue;
		}
		*pp = a->next;
		umol4_child_release(a->child);
		free(a);
	}
}

void loader_release(struct loader_app *app)
{
	app->referenced = 0;
	reap();
}

void loader_wait_all(void)
{
	for (struct loader_app *a = apps; a; a = a->next) {
		int code;
		umol4_child_wait(a->child, ~0UL, &code);
	}
	reap();
}
