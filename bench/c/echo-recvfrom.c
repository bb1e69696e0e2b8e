// The C reference echo for `make bench`: one blocking socket, recvfrom then sendto, nothing else.
// It is the ceiling a single-datagram-per-syscall server can reach on this machine.
//
//     echo-recvfrom HOST PORT        (IPv4)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: echo-recvfrom HOST PORT\n");
        return 64;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2]))};
    if (fd < 0 || inet_pton(AF_INET, argv[1], &address.sin_addr) != 1 ||
        bind(fd, (struct sockaddr *)&address, sizeof(address)) != 0) {
        perror("echo-recvfrom");
        return 69;
    }
    char buffer[65536];
    for (;;) {
        struct sockaddr_storage peer;
        socklen_t length = sizeof(peer);
        ssize_t count = recvfrom(fd, buffer, sizeof(buffer), 0, (struct sockaddr *)&peer, &length);
        if (count >= 0) {
            sendto(fd, buffer, (size_t)count, 0, (struct sockaddr *)&peer, length);
        }
    }
}
