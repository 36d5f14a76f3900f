// Small wrappers for POSIX/Linux macros and GNU extensions that do not import into Swift.
#ifndef PGSWARM_POSIX_SHIMS_H
#define PGSWARM_POSIX_SHIMS_H

#include <pthread.h>
#include <stdint.h>
#include <spawn.h>
#include <sys/types.h>

/// POSIX_SPAWN_SETSID (glibc >= 2.26): the child starts a new session, so its process group id is
/// its pid and `kill(-pid, sig)` reaches it and every process it forks.
short pgswarm_spawn_flag_setsid(void);

/// posix_spawn_file_actions_addchdir_np (glibc >= 2.29): run the child in another directory.
int pgswarm_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK): a wake-up handle for poll loops.
int pgswarm_eventfd_create(void);

/// pthread_setname_np (GNU): names a thread in ps, top and /proc (at most 15 bytes).
int pgswarm_pthread_setname(pthread_t thread, const char *name);

/// Drops this process's mapping of the executable's dynamic relocation table (.rela.dyn).
///
/// The dynamic linker reads it once, before main, to relocate a position-independent executable,
/// and nothing reads it again; yet its pages stay mapped and count in the resident set (1.3 MB for
/// the static failover sidecar, which runs in every PostgreSQL pod). madvise(MADV_DONTNEED) on a
/// read-only file mapping only unmaps them: a later read would fault them back in from the file.
/// Only whole pages inside the table are dropped. Returns the bytes released (0 when the table
/// cannot be found or is too small). Call after the dynamic linker is done: from main.
size_t pgswarm_release_relocation_table(void);

/// Where the executable's relocation table is in memory; 0 if it cannot be found (for tests).
int pgswarm_find_relocation_table(uintptr_t *start, size_t *size);

#endif
