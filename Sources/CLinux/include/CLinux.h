// What Glibc does not import into Swift: epoll, eventfd, the FD_SET family (macros) and
// recvmmsg/sendmmsg.
// Only Sources/OS may import this module.
// _GNU_SOURCE is defined in shim.c only: defining it here would change fd_set's member names
// and clash with SwiftGlibc's view of the same struct.
#ifndef UDPLAB_CLINUX_H
#define UDPLAB_CLINUX_H

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <pthread.h>

/// FD_ZERO(3) as a function: Swift cannot import the macro.
void CLinux_FD_ZERO(fd_set *set);
/// FD_SET(3) as a function.
void CLinux_FD_SET(int fd, fd_set *set);
/// FD_ISSET(3) as a function.
int CLinux_FD_ISSET(int fd, const fd_set *set);

/// pthread_setname_np(3), which glibc declares only under _GNU_SOURCE.
int CLinux_pthread_setname(pthread_t thread, const char *name);

/// accept4(2) with SOCK_CLOEXEC, which glibc declares only under _GNU_SOURCE.
int CLinux_accept_cloexec(int fd);

/// getsockopt(SO_PEERCRED): struct ucred is declared only under _GNU_SOURCE.
int CLinux_peer_credentials(int fd, int *pid, unsigned int *uid, unsigned int *gid);

/// recvmmsg(2) without a timeout: receives up to `count` datagrams into `messages`, an array of
/// struct mmsghdr. That struct is declared only under _GNU_SOURCE, so Swift lays it out itself: a
/// struct msghdr, then msg_len (unsigned int) at offset sizeof(struct msghdr), the whole padded to
/// the alignment of struct msghdr; shim.c checks that layout at compile time.
int CLinux_recvmmsg(int fd, void *messages, unsigned int count, int flags);

/// sendmmsg(2): sends up to `count` datagrams from `messages`, laid out as for CLinux_recvmmsg.
int CLinux_sendmmsg(int fd, void *messages, unsigned int count, int flags);

/// setvbuf(stdout, NULL, _IOLBF, 0): Swift 6 cannot touch the global `stdout` safely.
void CLinux_stdout_line_buffered(void);

/// epoll_event.data.u64, read without Swift's view of the packed union.
static inline unsigned long long CLinux_epoll_event_data(const struct epoll_event *event) {
    return event->data.u64;
}

/// epoll_event.events.
static inline unsigned int CLinux_epoll_event_flags(const struct epoll_event *event) {
    return event->events;
}

#endif
