// The C reference load client for `make bench`: keeps WINDOW requests outstanding, busy-polling
// (non-blocking recvmmsg/sendmmsg, never sleeping), for SECONDS, and prints echoes per second.
// It is how fast this machine can be driven; `udplabctl bench` is measured against it.
//
//     client-window HOST PORT [WINDOW] [SECONDS] [SIZE]     prints: echoes_per_second sent received
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

enum { MAX = 256 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: client-window HOST PORT [WINDOW] [SECONDS] [SIZE]\n");
        return 64;
    }
    int window = argc > 3 ? atoi(argv[3]) : 32;
    double seconds = argc > 4 ? atof(argv[4]) : 5;
    int size = argc > 5 ? atoi(argv[5]) : 64;
    if (window < 1 || window > MAX) window = 32;
    if (size < 1 || size > 2048) size = 64;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in server = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2]))};
    if (fd < 0 || inet_pton(AF_INET, argv[1], &server.sin_addr) != 1 ||
        connect(fd, (struct sockaddr *)&server, sizeof(server)) != 0) {
        perror("client-window");
        return 69;
    }
    static char out[MAX][2048], in[MAX][2048];
    static struct iovec outVectors[MAX], inVectors[MAX];
    static struct mmsghdr outMessages[MAX], inMessages[MAX];
    for (int i = 0; i < MAX; i++) {
        memset(out[i], 'x', sizeof(out[i]));
        outVectors[i] = (struct iovec){out[i], (size_t)size};
        inVectors[i] = (struct iovec){in[i], sizeof(in[i])};
        outMessages[i].msg_hdr = (struct msghdr){.msg_iov = &outVectors[i], .msg_iovlen = 1};
        inMessages[i].msg_hdr = (struct msghdr){.msg_iov = &inVectors[i], .msg_iovlen = 1};
    }
    long sent = 0, received = 0, writtenOff = 0;
    double start = now(), end = start + seconds, lastProgress = start;
    long lastReceived = 0;
    while (now() < end) {
        long outstanding = sent - received - writtenOff;
        if (outstanding < window) {
            int count = sendmmsg(fd, outMessages, (unsigned)(window - outstanding), 0);
            if (count > 0) sent += count;
        }
        int count = recvmmsg(fd, inMessages, MAX, MSG_DONTWAIT, NULL);
        if (count > 0) received += count;
        // A request lost on the way never comes back: write the window off when nothing moved
        // for 10 ms, so the client keeps sending.
        if (received != lastReceived) {
            lastReceived = received;
            lastProgress = now();
        } else if (now() - lastProgress > 0.01) {
            writtenOff = sent - received;
            lastProgress = now();
        }
    }
    double elapsed = now() - start;
    printf("%.0f %ld %ld\n", (double)received / elapsed, sent, received);
    return 0;
}
