// The only C view of libsystemd. Only Sources/Systemd may import it.
// No _GNU_SOURCE here: it changes fd_set and breaks module consistency with SwiftGlibc.
// The module does not re-export libc (no `export *`): what udplab's systemd layer needs of libc
// (freeing what libsystemd allocated, building an iovec array) is done here, in C, so that
// Sources/Systemd calls libsystemd and nothing else.
#ifndef UDPLAB_CSYSTEMD_SHIM_H
#define UDPLAB_CSYSTEMD_SHIM_H

#include <errno.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

// Frees the `count` names and the array that sd_listen_fds_with_names(3) returned.
static inline void CSystemd_free_names(char **names, int count) {
    for (int index = 0; index < count; index++) free(names[index]);
    free(names);
}

// sd_journal_sendv(3) on `count` fields, field `i` being `lengths[i]` bytes at `bases[i]`.
// Returns what sd_journal_sendv returns, or -ENOMEM.
static inline int CSystemd_journal_send(const void *const *bases, const size_t *lengths, int count) {
    struct iovec *vectors = calloc(count > 0 ? (size_t)count : 1, sizeof *vectors);
    if (vectors == NULL) return -ENOMEM;
    for (int index = 0; index < count; index++) {
        vectors[index].iov_base = (void *)bases[index];
        vectors[index].iov_len = lengths[index];
    }
    int result = sd_journal_sendv(vectors, count);
    free(vectors);
    return result;
}

#endif
