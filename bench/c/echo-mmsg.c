// The C reference batched echo for `make bench`: recvmmsg (up to 32, returning as soon as one is
// there) and sendmmsg of the same batch back. The ceiling for a batching server here.
//
//     echo-mmsg HOST PORT [BATCH]    (IPv4)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

enum { MAX_BATCH = 256, SIZE = 2048 };

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: echo-mmsg HOST PORT [BATCH]\n");
        return 64;
    }
    int batch = argc > 3 ? atoi(argv[3]) : 32;
    if (batch < 1 || batch > MAX_BATCH) batch = 32;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2]))};
    if (fd < 0 || inet_pton(AF_INET, argv[1], &address.sin_addr) != 1 ||
        bind(fd, (struct sockaddr *)&address, sizeof(address)) != 0) {
        perror("echo-mmsg");
        return 69;
    }
    static char buffers[MAX_BATCH][SIZE];
    static struct sockaddr_storage peers[MAX_BATCH];
    static struct iovec vectors[MAX_BATCH];
    static struct mmsghdr messages[MAX_BATCH];
    for (;;) {
        for (int i = 0; i < batch; i++) {
            vectors[i] = (struct iovec){buffers[i], SIZE};
            memset(&messages[i], 0, sizeof(messages[i]));
            messages[i].msg_hdr = (struct msghdr){.msg_name = &peers[i], .msg_namelen = sizeof(peers[i]), .msg_iov = &vectors[i], .msg_iovlen = 1};
        }
        int received = recvmmsg(fd, messages, (unsigned)batch, MSG_WAITFORONE, NULL);
        if (received <= 0) continue;
        for (int i = 0; i < received; i++) {
            vectors[i].iov_len = messages[i].msg_len;
        }
        for (int sent = 0; sent < received;) {
            int count = sendmmsg(fd, messages + sent, (unsigned)(received - sent), 0);
            if (count <= 0) break;
            sent += count;
        }
    }
}
