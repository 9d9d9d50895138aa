#ifndef DOCVAULT_CSYSTEM_SHIM_H
#define DOCVAULT_CSYSTEM_SHIM_H
#include <sys/types.h>
#include <pthread.h>
#include <sched.h>
#include <fcntl.h>

/// glibc declares sync_file_range(2) only under _GNU_SOURCE, which Swift's Glibc module is not built with.
extern int sync_file_range(int fd, __off64_t offset, __off64_t nbytes, unsigned int flags);

/// Starts writing back the dirty pages of a file range without waiting (SYNC_FILE_RANGE_WRITE).
static inline int docvault_start_writeback(int fd, long long offset, long long length) {
    return sync_file_range(fd, offset, length, 2);
}

/// Writes back a file range and waits until none of its pages is dirty or under write-back
/// (SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER). Not durability:
/// neither metadata nor the disk's cache is flushed; fsync still does that.
static inline int docvault_wait_for_writeback(int fd, long long offset, long long length) {
    return sync_file_range(fd, offset, length, 1 | 2 | 4);
}

/// Turns O_DIRECT on or off for an open descriptor; returns 0, or -1 with errno (EINVAL where the
/// file system has no direct I/O). glibc names the flag O_DIRECT only under _GNU_SOURCE; __O_DIRECT
/// is its value for this architecture.
static inline int docvault_set_direct_io(int fd, int on) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFL, on ? (flags | __O_DIRECT) : (flags & ~__O_DIRECT));
}

/// Whether O_DIRECT is on for an open descriptor: 1, 0, or -1 with errno.
static inline int docvault_is_direct_io(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    return (flags & __O_DIRECT) != 0;
}

/// The CPU the calling thread runs on (sched_getcpu(3)); glibc declares it only under _GNU_SOURCE.
extern int sched_getcpu(void);

/// The CPUs a thread may run on (sched_getaffinity(2)); glibc declares it only under _GNU_SOURCE.
extern int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set);

/// Sets the CPUs a thread created with these attributes may run on; glibc declares it only under _GNU_SOURCE.
extern int pthread_attr_setaffinity_np(pthread_attr_t *attributes, size_t size, const cpu_set_t *set);

/// A symbol of a given version in a library opened with dlopen(3) (dlvsym(3)); glibc declares it only under _GNU_SOURCE.
extern void *dlvsym(void *handle, const char *symbol, const char *version);

/// renameat2(2), which glibc (2.28 and later) declares only under _GNU_SOURCE.
extern int renameat2(int from_folder, const char *from, int to_folder, const char *to, unsigned int flags);

/// Renames `from` to `to` in one step unless `to` exists (RENAME_NOREPLACE): 0, or -1 with errno,
/// EEXIST when `to` exists and EINVAL where the file system cannot refuse to replace.
static inline int docvault_rename_noreplace(const char *from, const char *to) {
    return renameat2(AT_FDCWD, from, AT_FDCWD, to, 1);
}

#endif
