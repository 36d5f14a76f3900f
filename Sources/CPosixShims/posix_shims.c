#define _GNU_SOURCE
#include "posix_shims.h"
#include <link.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

short pgswarm_spawn_flag_setsid(void) { return POSIX_SPAWN_SETSID; }

int pgswarm_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int pgswarm_eventfd_create(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

int pgswarm_pthread_setname(pthread_t thread, const char *name) { return pthread_setname_np(thread, name); }

/// The relocation table's place in memory, found from the executable's dynamic section.
struct relocation_table {
    uintptr_t start;
    size_t size;
};

static int find_relocation_table(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct relocation_table *table = data;
    // The first object reported is the executable itself.
    const ElfW(Phdr) *dynamic = NULL;
    for (ElfW(Half) index = 0; index < info->dlpi_phnum; index++) {
        if (info->dlpi_phdr[index].p_type == PT_DYNAMIC) dynamic = &info->dlpi_phdr[index];
    }
    if (dynamic == NULL) return 1;
    uintptr_t address = 0;
    size_t length = 0;
    for (const ElfW(Dyn) *entry = (const ElfW(Dyn) *)(info->dlpi_addr + dynamic->p_vaddr); entry->d_tag != DT_NULL;
         entry++) {
        if (entry->d_tag == DT_RELA) address = entry->d_un.d_ptr;
        if (entry->d_tag == DT_RELASZ) length = entry->d_un.d_val;
    }
    if (address == 0 || length == 0) return 1;
    // glibc rewrites DT_RELA to the run-time address when the dynamic section is writable; other
    // loaders may leave the link-time one.
    if (address < info->dlpi_addr) address += info->dlpi_addr;
    // Only a table wholly inside a read-only, non-writable loaded segment is touched.
    for (ElfW(Half) index = 0; index < info->dlpi_phnum; index++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[index];
        uintptr_t begin = info->dlpi_addr + segment->p_vaddr;
        if (segment->p_type == PT_LOAD && !(segment->p_flags & PF_W) && address >= begin &&
            address + length <= begin + segment->p_filesz) {
            table->start = address;
            table->size = length;
        }
    }
    return 1;
}

int pgswarm_find_relocation_table(uintptr_t *start, size_t *size) {
    struct relocation_table table = {0, 0};
    dl_iterate_phdr(find_relocation_table, &table);
    *start = table.start;
    *size = table.size;
    return table.size > 0;
}

size_t pgswarm_release_relocation_table(void) {
    struct relocation_table table = {0, 0};
    if (!pgswarm_find_relocation_table(&table.start, &table.size)) return 0;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t first = (table.start + page - 1) & ~(page - 1);
    uintptr_t end = (table.start + table.size) & ~(page - 1);
    if (table.size == 0 || end <= first) return 0;
    if (madvise((void *)first, end - first, MADV_DONTNEED) != 0) return 0;
    return end - first;
}
