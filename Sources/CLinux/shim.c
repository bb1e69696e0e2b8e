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

int CLinux_enable_packet_info(int fd, int ipv6, int dual_stack, int destination, int traffic_class) {
    int on = 1;
    if (destination) {
        int level = ipv6 ? IPPROTO_IPV6 : IPPROTO_IP;
        int name = ipv6 ? IPV6_RECVPKTINFO : IP_PKTINFO;
        if (setsockopt(fd, level, name, &on, sizeof(on)) != 0) return -1;
    }
    if (traffic_class) {
        if (ipv6 && setsockopt(fd, IPPROTO_IPV6, IPV6_RECVTCLASS, &on, sizeof(on)) != 0) return -1;
        if ((!ipv6 || dual_stack) && setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &on, sizeof(on)) != 0) return -1;
    }
    return 0;
}

unsigned long CLinux_control_space(void) {
    return CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(struct in_pktinfo))
        + 2 * CMSG_SPACE(sizeof(int));
}

void CLinux_parse_packet_info(const void *header, struct CLinux_packet_info *info) {
    const struct msghdr *message = header;
    info->family = 0;
    info->interface_index = 0;
    info->traffic_class = -1;
    if (message->msg_controllen == 0) return;
    for (struct cmsghdr *cmsg = CMSG_FIRSTHDR((struct msghdr *)message); cmsg != NULL;
         cmsg = CMSG_NXTHDR((struct msghdr *)message, cmsg)) {
        if (cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_PKTINFO
            && cmsg->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
            struct in_pktinfo packet;
            memcpy(&packet, CMSG_DATA(cmsg), sizeof(packet));
            info->family = AF_INET;
            info->interface_index = (unsigned int)packet.ipi_ifindex;
            // ipi_spec_dst: the local address a reply should come from (the destination itself
            // for a unicast datagram; a local address of the interface for a broadcast one).
            memcpy(info->address, &packet.ipi_spec_dst, sizeof(packet.ipi_spec_dst));
        } else if (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_PKTINFO
                   && cmsg->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
            struct in6_pktinfo packet;
            memcpy(&packet, CMSG_DATA(cmsg), sizeof(packet));
            info->family = AF_INET6;
            info->interface_index = packet.ipi6_ifindex;
            memcpy(info->address, &packet.ipi6_addr, sizeof(packet.ipi6_addr));
        } else if (cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_TOS
                   && cmsg->cmsg_len >= CMSG_LEN(sizeof(unsigned char))) {
            // IP_RECVTOS delivers one byte.
            unsigned char tos;
            memcpy(&tos, CMSG_DATA(cmsg), sizeof(tos));
            info->traffic_class = tos;
        } else if (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_TCLASS
                   && cmsg->cmsg_len >= CMSG_LEN(sizeof(int))) {
            int tclass;
            memcpy(&tclass, CMSG_DATA(cmsg), sizeof(tclass));
            info->traffic_class = tclass & 0xff;
        }
    }
}

/// Appends one control message of `length` bytes at `*cursor` and moves the cursor past it.
static void put_cmsg(unsigned char **cursor, int level, int type, const void *data, size_t length) {
    struct cmsghdr header = {.cmsg_len = CMSG_LEN(length), .cmsg_level = level, .cmsg_type = type};
    memset(*cursor, 0, CMSG_SPACE(length));
    memcpy(*cursor, &header, sizeof(header));
    memcpy(CMSG_DATA((struct cmsghdr *)*cursor), data, length);
    *cursor += CMSG_SPACE(length);
}

unsigned long CLinux_put_reply_control(void *control, const struct CLinux_packet_info *info, int ipv4_peer,
                                       unsigned short segment_size) {
    unsigned char *cursor = control;
    if (segment_size != 0) {
        put_cmsg(&cursor, SOL_UDP, UDP_SEGMENT, &segment_size, sizeof(segment_size));
    }
    if (info->family == AF_INET) {
        struct in_pktinfo packet = {0};
        memcpy(&packet.ipi_spec_dst, info->address, sizeof(packet.ipi_spec_dst));
        put_cmsg(&cursor, IPPROTO_IP, IP_PKTINFO, &packet, sizeof(packet));
    } else if (info->family == AF_INET6) {
        struct in6_pktinfo packet = {0};
        memcpy(&packet.ipi6_addr, info->address, sizeof(packet.ipi6_addr));
        // An IPv4-mapped source (a dual-stack socket's IPv4 peer) goes out as IPv4: like
        // IP_PKTINFO, without an interface.
        if (!IN6_IS_ADDR_V4MAPPED(&packet.ipi6_addr)) packet.ipi6_ifindex = info->interface_index;
        put_cmsg(&cursor, IPPROTO_IPV6, IPV6_PKTINFO, &packet, sizeof(packet));
    }
    if (info->traffic_class >= 0) {
        int value = info->traffic_class;
        if (ipv4_peer) {
            put_cmsg(&cursor, IPPROTO_IP, IP_TOS, &value, sizeof(value));
        } else {
            put_cmsg(&cursor, IPPROTO_IPV6, IPV6_TCLASS, &value, sizeof(value));
        }
    }
    return (unsigned long)(cursor - (unsigned char *)control);
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
