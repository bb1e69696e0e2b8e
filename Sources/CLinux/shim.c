// _GNU_SOURCE lives here, never in the header (see CLinux.h).
#define _GNU_SOURCE
#include "CLinux.h"

#include <stdio.h>

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
