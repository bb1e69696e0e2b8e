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

/// UDP generic receive offload (UDP_GRO, Linux 5.0) and segmentation offload (UDP_SEGMENT,
/// Linux 4.18): glibc's <netinet/udp.h> names them, Swift's Glibc module does not export them,
/// and the CMSG_* macros that read and write their control messages cannot be imported.
/// setsockopt(SOL_UDP, UDP_GRO, 1): 0, or -1 with errno (ENOPROTOOPT where the kernel lacks it).
int CLinux_enable_udp_gro(int fd);

/// getsockopt(SOL_UDP, UDP_SEGMENT): 0 where the kernel knows the option, or -1 with errno
/// (ENOPROTOOPT where it lacks UDP GSO).
int CLinux_probe_udp_segment(int fd);

/// The segment size a received message's UDP_GRO control message gives (the kernel writes an
/// int; a 2-byte value is accepted too), or 0 when it has none: the buffer is one datagram.
/// `message` is a struct msghdr (void here, so that this header need not include
/// <sys/socket.h>, whose declarations belong to SwiftGlibc).
int CLinux_udp_gro_segment_size(const void *message);

/// How to answer one received datagram from where it arrived (issue 14): the local address it
/// reached and the interface it came in on (IP_PKTINFO, IPV6_PKTINFO), and its traffic class
/// (IP_TOS, IPV6_TCLASS: DSCP and ECN). A field the datagram's control messages did not carry
/// keeps its "none" value: family 0, traffic_class -1.
struct CLinux_packet_info {
    /// AF_INET (address holds an in_addr in its first 4 bytes), AF_INET6 (an in6_addr, maybe
    /// IPv4-mapped on a dual-stack socket), or 0: no packet info.
    int family;
    unsigned int interface_index;
    /// 0–255, or -1: none.
    int traffic_class;
    unsigned char address[16];
};

/// Asks the kernel for packet info (`destination`: IP_PKTINFO, IPV6_RECVPKTINFO) and the traffic
/// class (`traffic_class`: IP_RECVTOS, IPV6_RECVTCLASS, and IP_RECVTOS too on a dual-stack IPv6
/// socket, for its IPv4 peers) on every datagram `fd` receives: 0, or -1 with errno.
int CLinux_enable_packet_info(int fd, int ipv6, int dual_stack, int destination, int traffic_class);

/// The control-buffer bytes a receive needs for everything CLinux_enable_packet_info and UDP_GRO
/// may deliver, and a send for everything CLinux_put_reply_control and UDP_SEGMENT may write.
unsigned long CLinux_control_space(void);

/// Reads the packet info and traffic class from a received message's control messages
/// (`message` is a struct msghdr) into `info`, which starts as "none".
void CLinux_parse_packet_info(const void *message, struct CLinux_packet_info *info);

/// Writes the control messages that send a reply from `info`'s address (IP_PKTINFO with
/// ipi_spec_dst and no interface for IPv4, so the routing table still chooses the way out, as
/// unbound does; IPV6_PKTINFO with the interface for IPv6, which a link-local address needs) with
/// its traffic class (IP_TOS when `ipv4_peer`, IPV6_TCLASS otherwise), and a UDP_SEGMENT of
/// `segment_size` when it is not 0, into `control` (CLinux_control_space() bytes). Returns the
/// msg_controllen, 0 when there is nothing to write.
unsigned long CLinux_put_reply_control(void *control, const struct CLinux_packet_info *info, int ipv4_peer,
                                       unsigned short segment_size);

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


/// setsockopt(SO_ATTACH_REUSEPORT_CBPF) with the classic BPF program `cpu % group_size`: the
/// reuseport group's socket at that index gets each packet (sockets in bind order).
int CLinux_attach_reuseport_cpu(int fd, unsigned int group_size);

/// sched_setaffinity(2) of the calling thread to one CPU.
int CLinux_pin_current_thread(unsigned int cpu);

/// sched_getcpu(3): the CPU the calling thread runs on now.
int CLinux_current_cpu(void);

/// sysconf(_SC_NPROCESSORS_ONLN).
long CLinux_online_cpus(void);

/// pidfd_open(2) (syscall(2) is variadic: Swift cannot call it): a descriptor that polls
/// readable once the process has ended; -1 and errno on failure.
int CLinux_pidfd_open(int pid);
#endif
