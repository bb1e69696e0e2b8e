// _GNU_SOURCE lives here, never in the header (see CLinux.h).
#define _GNU_SOURCE
#include "CLinux.h"

#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

void CLinux_FD_ZERO(fd_set *set) {
    FD_ZERO(set);
}

void CLinux_FD_SET(int fd, fd_set *set) {
    FD_SET(fd, set);
}

int CLinux_FD_ISSET(int fd, const fd_set *set) {
    return FD_ISSET(fd, set);
}

int CLinux_pthread_setname(pthread_t thread, const char *name) {
    return pthread_setname_np(thread, name);
}

void CLinux_stdout_line_buffered(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
}

int CLinux_accept_cloexec(int fd) {
    return accept4(fd, NULL, NULL, SOCK_CLOEXEC);
}

int CLinux_peer_credentials(int fd, int *pid, unsigned int *uid, unsigned int *gid) {
    struct ucred credentials;
    socklen_t length = sizeof(credentials);
    int result = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length);
    if (result == 0) {
        *pid = credentials.pid;
        *uid = credentials.uid;
        *gid = credentials.gid;
    }
    return result;
}

// The layout CLinux.h promises Swift: msghdr, then msg_len, padded to msghdr's alignment.
_Static_assert(offsetof(struct mmsghdr, msg_len) == sizeof(struct msghdr), "msg_len follows msg_hdr");
_Static_assert(sizeof(struct mmsghdr) == (sizeof(struct msghdr) + sizeof(unsigned int) + _Alignof(struct msghdr) - 1)
                                             / _Alignof(struct msghdr) * _Alignof(struct msghdr),
               "mmsghdr is msghdr and msg_len, padded to msghdr's alignment");

int CLinux_recvmmsg(int fd, void *messages, unsigned int count, int flags) {
    return recvmmsg(fd, messages, count, flags, NULL);
}

int CLinux_sendmmsg(int fd, void *messages, unsigned int count, int flags) {
    return sendmmsg(fd, messages, count, flags);
}
