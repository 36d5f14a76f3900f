#define _GNU_SOURCE
#include "posix_shims.h"
#include <sys/eventfd.h>

short pgswarm_spawn_flag_setsid(void) { return POSIX_SPAWN_SETSID; }

int pgswarm_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int pgswarm_eventfd_create(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

int pgswarm_pthread_setname(pthread_t thread, const char *name) { return pthread_setname_np(thread, name); }
