/* The loader when no launcher is linked in: every start fails with
 * -L4_ENOSYS, so a script that only creates objects still runs.  Replaced
 * by the implementation over moe's <l4/umol4/launch.h>. */
#include <l4/sys/err.h>
#include "loader.h"

int loader_available(void) { return 0; }

int loader_start(const struct loader_request *req, struct loader_app **app)
{
	(void)req;
	*app = 0;
	return -L4_ENOSYS;
}

enum loader_state loader_state(struct loader_app *app) { (void)app; return LOADER_ZOMBIE; }
long loader_wait(struct loader_app *app) { (void)app; return 0; }
long loader_exit_code(struct loader_app *app) { (void)app; return 0; }
void loader_kill(struct loader_app *app) { (void)app; }
void loader_release(struct loader_app *app) { (void)app; }
void loader_wait_all(void) {}
