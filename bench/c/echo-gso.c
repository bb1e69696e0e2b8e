// The C reference GRO/GSO echo for `make bench` and the veth tests (issue 12): UDP_GRO on the
// socket, recvmmsg of 64 KiB buffers (a coalesced buffer's UDP_GRO control message gives its
// segment size; a buffer without one is one datagram), and each buffer echoed to its source with
// one sendmmsg entry carrying UDP_SEGMENT. Where the kernel or device refuses GSO (EIO, EINVAL),
// that buffer goes back one datagram at a time, counted. The peer udplab's `gso` backend is
// measured against: the same syscalls, no framework.
//
//     echo-gso HOST PORT [BATCH] [COUNT]    (IPv4 or IPv6; PORT 0 picks one)
//
// Prints `listening HOST PORT` once bound, and on SIGINT/SIGTERM, or once COUNT datagrams have
// been echoed, one line of counters:
//
//     datagrams D buffers B sends S gso_sends G fallbacks F fallback_datagrams FD send_errors E
//
// datagrams: segments received; buffers: recvmmsg entries (GRO buffers); sends: sendmmsg entries
// the kernel took; gso_sends: those with UDP_SEGMENT (more than one segment); fallbacks: buffers
// GSO refused, sent as fallback_datagrams single datagrams; send_errors: datagrams not echoed.
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

enum { MAX_BATCH = 64, SIZE = 65536 };

static volatile sig_atomic_t stopping;

static void stop(int signal) {
    (void)signal;
    stopping = 1;
}

static unsigned long long datagrams, buffers, sends, gso_sends, fallbacks, fallback_datagrams, send_errors;

static char data[MAX_BATCH][SIZE];
static struct sockaddr_storage peers[MAX_BATCH];
static struct iovec vectors[MAX_BATCH];
static struct mmsghdr messages[MAX_BATCH];
// Receive: room for the UDP_GRO message; send: the UDP_SEGMENT one (both fit CMSG_SPACE(int)).
static char controls[MAX_BATCH][CMSG_SPACE(sizeof(int))] __attribute__((aligned(8)));
static size_t segment_sizes[MAX_BATCH];

// The segment size of received message I: its UDP_GRO control message (an int; 2 bytes accepted
// too), or its whole length when there is none.
static size_t segment_size(int i) {
    struct msghdr *header = &messages[i].msg_hdr;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(header); c != NULL; c = CMSG_NXTHDR(header, c)) {
        if (c->cmsg_level != SOL_UDP || c->cmsg_type != UDP_GRO) continue;
        size_t length = c->cmsg_len - CMSG_LEN(0);
        if (length >= sizeof(int)) {
            int size;
            memcpy(&size, CMSG_DATA(c), sizeof(size));
            if (size > 0) return (size_t)size;
        } else if (length >= sizeof(uint16_t)) {
            uint16_t size;
            memcpy(&size, CMSG_DATA(c), sizeof(size));
            if (size > 0) return size;
        }
    }
    return messages[i].msg_len;
}

static size_t segment_count(unsigned length, size_t size) {
    return size == 0 ? 1 : (length + size - 1) / size;
}

// Sends buffer I back one segment at a time (GSO refused it).
static void send_per_datagram(int fd, int i) {
    struct msghdr *header = &messages[i].msg_hdr;
    unsigned length = messages[i].msg_len;
    size_t size = segment_sizes[i];
    fallbacks++;
    for (size_t offset = 0; offset < length; offset += size) {
        size_t part = length - offset < size ? length - offset : size;
        if (sendto(fd, data[i] + offset, part, 0, header->msg_name, header->msg_namelen) < 0) {
            send_errors++;
        } else {
            fallback_datagrams++;
        }
    }
}

static void report(void) {
    printf("datagrams %llu buffers %llu sends %llu gso_sends %llu fallbacks %llu fallback_datagrams %llu send_errors %llu\n",
           datagrams, buffers, sends, gso_sends, fallbacks, fallback_datagrams, send_errors);
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: echo-gso HOST PORT [BATCH] [COUNT]\n");
        return 64;
    }
    int batch = argc > 3 ? atoi(argv[3]) : 16;
    if (batch < 1 || batch > MAX_BATCH) batch = 16;
    unsigned long long count = argc > 4 ? strtoull(argv[4], NULL, 10) : 0;

    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE};
    struct addrinfo *address;
    if (getaddrinfo(argv[1], argv[2], &hints, &address) != 0) {
        fprintf(stderr, "echo-gso: bad address %s %s\n", argv[1], argv[2]);
        return 64;
    }
    int fd = socket(address->ai_family, SOCK_DGRAM, 0);
    int on = 1;
    if (fd < 0 || setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof(on)) != 0) {
        perror("echo-gso: UDP_GRO");
        return 69;
    }
    // Room for a burst of 64 KiB buffers: past net.core.rmem_max where root may.
    int buffer = 8 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof(buffer)) != 0) {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
    }
    if (bind(fd, address->ai_addr, address->ai_addrlen) != 0) {
        perror("echo-gso: bind");
        return 69;
    }
    struct sockaddr_storage bound;
    socklen_t bound_length = sizeof(bound);
    char host[NI_MAXHOST], port[NI_MAXSERV];
    if (getsockname(fd, (struct sockaddr *)&bound, &bound_length) != 0 ||
        getnameinfo((struct sockaddr *)&bound, bound_length, host, sizeof(host), port, sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        perror("echo-gso: getsockname");
        return 69;
    }
    freeaddrinfo(address);

    // No SA_RESTART: a signal ends the blocking recvmmsg with EINTR.
    struct sigaction action = {.sa_handler = stop};
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    // A parent may have left them blocked (a test runner's thread that spawned this one).
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigprocmask(SIG_UNBLOCK, &signals, NULL);
    printf("listening %s %s\n", host, port);
    fflush(stdout);

    while (!stopping && (count == 0 || datagrams < count)) {
        for (int i = 0; i < batch; i++) {
            vectors[i] = (struct iovec){data[i], SIZE};
            memset(&messages[i], 0, sizeof(messages[i]));
            messages[i].msg_hdr = (struct msghdr){
                .msg_name = &peers[i], .msg_namelen = sizeof(peers[i]), .msg_iov = &vectors[i], .msg_iovlen = 1,
                .msg_control = controls[i], .msg_controllen = sizeof(controls[i])};
        }
        int received = recvmmsg(fd, messages, (unsigned)batch, MSG_WAITFORONE, NULL);
        if (received <= 0) continue;
        for (int i = 0; i < received; i++) {
            unsigned length = messages[i].msg_len;
            size_t size = segment_size(i);
            size_t segments = segment_count(length, size);
            segment_sizes[i] = size;
            datagrams += segments;
            buffers++;
            struct msghdr *header = &messages[i].msg_hdr;
            vectors[i].iov_len = length;
            if (segments > 1) {
                header->msg_controllen = CMSG_SPACE(sizeof(uint16_t));
                struct cmsghdr *c = CMSG_FIRSTHDR(header);
                c->cmsg_level = SOL_UDP;
                c->cmsg_type = UDP_SEGMENT;
                c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
                uint16_t gso_size = (uint16_t)size;
                memcpy(CMSG_DATA(c), &gso_size, sizeof(gso_size));
            } else {
                header->msg_control = NULL;
                header->msg_controllen = 0;
            }
        }
        for (int sent = 0; sent < received;) {
            int taken = sendmmsg(fd, messages + sent, (unsigned)(received - sent), 0);
            if (taken > 0) {
                for (int i = sent; i < sent + taken; i++) {
                    sends++;
                    if (messages[i].msg_hdr.msg_control != NULL) gso_sends++;
                }
                sent += taken;
                continue;
            }
            if (taken < 0 && errno == EINTR) continue;
            // The kernel refused entry `sent`: GSO refused, per datagram; otherwise it is lost.
            if (taken < 0 && (errno == EIO || errno == EINVAL) && messages[sent].msg_hdr.msg_control != NULL) {
                send_per_datagram(fd, sent);
            } else {
                send_errors += segment_count(messages[sent].msg_len, segment_sizes[sent]);
            }
            sent++;
        }
    }
    report();
    return 0;
}
