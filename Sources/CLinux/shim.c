// _GNU_SOURCE lives here, never in the header (see CLinux.h).
#define _GNU_SOURCE
#include "CLinux.h"

#include <stddef.h>
#include <stdio.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <errno.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/filter.h>

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

int CLinux_enable_udp_gro(int fd) {
    int on = 1;
    return setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof(on));
}

int CLinux_probe_udp_segment(int fd) {
    int size = 0;
    socklen_t length = sizeof(size);
    return getsockopt(fd, SOL_UDP, UDP_SEGMENT, &size, &length);
}

unsigned long CLinux_udp_cmsg_space(void) {
    return CMSG_SPACE(sizeof(int));
}

int CLinux_udp_gro_segment_size(const void *header) {
    const struct msghdr *message = header;
    if (message->msg_controllen == 0) return 0;
    for (struct cmsghdr *cmsg = CMSG_FIRSTHDR((struct msghdr *)message); cmsg != NULL;
         cmsg = CMSG_NXTHDR((struct msghdr *)message, cmsg)) {
        if (cmsg->cmsg_level != SOL_UDP || cmsg->cmsg_type != UDP_GRO) continue;
        if (cmsg->cmsg_len >= CMSG_LEN(sizeof(int))) {
            int size;
            memcpy(&size, CMSG_DATA(cmsg), sizeof(size));
            return size;
        }
        if (cmsg->cmsg_len >= CMSG_LEN(sizeof(uint16_t))) {
            uint16_t size;
            memcpy(&size, CMSG_DATA(cmsg), sizeof(size));
            return size;
        }
    }
    return 0;
}

unsigned long CLinux_put_udp_segment(void *control, unsigned short segment_size) {
    struct msghdr message = {.msg_control = control, .msg_controllen = CMSG_SPACE(sizeof(uint16_t))};
    memset(control, 0, CMSG_SPACE(sizeof(uint16_t)));
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&message);
    cmsg->cmsg_level = SOL_UDP;
    cmsg->cmsg_type = UDP_SEGMENT;
    cmsg->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    memcpy(CMSG_DATA(cmsg), &segment_size, sizeof(segment_size));
    return CMSG_SPACE(sizeof(uint16_t));
}

int CLinux_attach_reuseport_cpu(int fd, unsigned int group_size) {
    // The kernel's own example (tools/testing/selftests/net/reuseport_bpf_cpu.c): the socket
    // at index (cpu % group_size) of the reuseport group gets the packet.
    struct sock_filter code[] = {
        {BPF_LD | BPF_W | BPF_ABS, 0, 0, (unsigned int)(SKF_AD_OFF + SKF_AD_CPU)},
        {BPF_ALU | BPF_MOD | BPF_K, 0, 0, group_size},
        {BPF_RET | BPF_A, 0, 0, 0},
    };
    struct sock_fprog program = {.len = sizeof(code) / sizeof(code[0]), .filter = code};
    return setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &program, sizeof(program));
}

int CLinux_pin_current_thread(unsigned int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof(set), &set);
}

int CLinux_current_cpu(void) {
    return sched_getcpu();
}

int CLinux_pidfd_open(int pid) {
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

long CLinux_online_cpus(void) {
    return sysconf(_SC_NPROCESSORS_ONLN);
}
