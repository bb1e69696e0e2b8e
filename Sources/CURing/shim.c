#include "CURing.h"

#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

struct CURing {
    struct io_uring ring;
    struct io_uring_buf_ring *buffers;
    unsigned buffer_entries;
    unsigned buffer_stride;
    unsigned buffer_size;
    unsigned char *buffer_base;
    /// Created disabled, to be enabled by the thread that will use it.
    int is_disabled;
};

static const int buffer_group = 0;

CURing *CURing_create(unsigned entries, int *error) {
    CURing *ring = calloc(1, sizeof(CURing));
    if (ring == NULL) {
        *error = ENOMEM;
        return NULL;
    }
    // Best first: one submitting thread, completions' work done only when that thread asks
    // for completions (6.1+), the ring enabled by that thread (CURing_start); then task work
    // run at the next kernel entry instead of interrupting the loop (5.19+); then a plain ring.
    static const unsigned choices[] = {
        IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_R_DISABLED,
        IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN,
        0,
    };
    int result = -EINVAL;
    for (unsigned index = 0; index < sizeof(choices) / sizeof(choices[0]) && result == -EINVAL; index++) {
        struct io_uring_params params;
        memset(&params, 0, sizeof(params));
        params.flags = choices[index];
        result = io_uring_queue_init_params(entries, &ring->ring, &params);
        ring->is_disabled = (choices[index] & IORING_SETUP_R_DISABLED) != 0;
    }
    if (result < 0) {
        *error = -result;
        free(ring);
        return NULL;
    }
    return ring;
}

int CURing_start(CURing *ring) {
    if (!ring->is_disabled) {
        return 0;
    }
    // io_uring_enable_rings(3) is declared by liburing 2.3 but missing from its library.
    long result = syscall(__NR_io_uring_register, ring->ring.ring_fd, IORING_REGISTER_ENABLE_RINGS, NULL, 0);
    if (result < 0) {
        return -errno;
    }
    ring->is_disabled = 0;
    return 0;
}

void CURing_destroy(CURing *ring) {
    if (ring->buffers != NULL) {
        io_uring_unregister_buf_ring(&ring->ring, buffer_group);
        munmap(ring->buffers, ring->buffer_entries * sizeof(struct io_uring_buf));
    }
    io_uring_queue_exit(&ring->ring);
    free(ring);
}

int CURing_provide_buffers(CURing *ring, void *base, unsigned count, unsigned stride, unsigned size) {
    unsigned entries = 1;
    while (entries < count) {
        entries <<= 1;
    }
    size_t length = entries * sizeof(struct io_uring_buf);
    void *memory = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    if (memory == MAP_FAILED) {
        return -errno;
    }
    struct io_uring_buf_reg registration;
    memset(&registration, 0, sizeof(registration));
    registration.ring_addr = (unsigned long)memory;
    registration.ring_entries = entries;
    registration.bgid = buffer_group;
    int result = io_uring_register_buf_ring(&ring->ring, &registration, 0);
    if (result < 0) {
        munmap(memory, length);
        return result;
    }
    ring->buffers = memory;
    ring->buffer_entries = entries;
    ring->buffer_stride = stride;
    ring->buffer_size = size;
    ring->buffer_base = base;
    io_uring_buf_ring_init(ring->buffers);
    int mask = io_uring_buf_ring_mask(entries);
    for (unsigned id = 0; id < count; id++) {
        io_uring_buf_ring_add(ring->buffers, ring->buffer_base + (size_t)id * stride, size, id, mask, id);
    }
    io_uring_buf_ring_advance(ring->buffers, count);
    return 0;
}

void CURing_recycle_buffer(CURing *ring, unsigned short id) {
    io_uring_buf_ring_add(
        ring->buffers,
        ring->buffer_base + (size_t)id * ring->buffer_stride,
        ring->buffer_size,
        id,
        io_uring_buf_ring_mask(ring->buffer_entries),
        0
    );
    io_uring_buf_ring_advance(ring->buffers, 1);
}

int CURing_prepare_recvmsg_multishot(CURing *ring, int fd, void *header, uint64_t user_data) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring->ring);
    if (sqe == NULL) {
        return -EBUSY;
    }
    io_uring_prep_recvmsg_multishot(sqe, fd, header, MSG_TRUNC);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = buffer_group;
    io_uring_sqe_set_data64(sqe, user_data);
    return 0;
}

int CURing_prepare_sendmsg(CURing *ring, int fd, const void *header, uint64_t user_data) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring->ring);
    if (sqe == NULL) {
        return -EBUSY;
    }
    io_uring_prep_sendmsg(sqe, fd, header, 0);
    io_uring_sqe_set_data64(sqe, user_data);
    return 0;
}

int CURing_prepare_poll_multishot(CURing *ring, int fd, uint64_t user_data) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring->ring);
    if (sqe == NULL) {
        return -EBUSY;
    }
    io_uring_prep_poll_multishot(sqe, fd, POLLIN);
    io_uring_sqe_set_data64(sqe, user_data);
    return 0;
}

int CURing_prepare_cancel(CURing *ring, uint64_t target, uint64_t user_data) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring->ring);
    if (sqe == NULL) {
        return -EBUSY;
    }
    io_uring_prep_cancel64(sqe, target, 0);
    io_uring_sqe_set_data64(sqe, user_data);
    return 0;
}

int CURing_submit(CURing *ring, unsigned wait) {
    return io_uring_submit_and_wait(&ring->ring, wait);
}

int CURing_submit_timeout(CURing *ring, unsigned wait, long long nanoseconds) {
    struct __kernel_timespec timeout = {
        .tv_sec = nanoseconds / 1000000000,
        .tv_nsec = nanoseconds % 1000000000,
    };
    // The completion it points to is left on the ring, for CURing_reap.
    struct io_uring_cqe *completion = NULL;
    return io_uring_submit_and_wait_timeout(&ring->ring, &completion, wait, &timeout, NULL);
}

unsigned CURing_reap(CURing *ring, CURing_completion *out, unsigned max) {
    unsigned head;
    unsigned count = 0;
    struct io_uring_cqe *cqe;
    io_uring_for_each_cqe(&ring->ring, head, cqe) {
        if (count == max) {
            break;
        }
        out[count].user_data = cqe->user_data;
        out[count].res = cqe->res;
        out[count].flags = cqe->flags;
        count++;
    }
    io_uring_cq_advance(&ring->ring, count);
    return count;
}

unsigned CURing_queued(CURing *ring) {
    return io_uring_sq_ready(&ring->ring);
}

int CURing_parse_message(void *buffer, int res, void *header, CURing_message *out) {
    struct io_uring_recvmsg_out *message = io_uring_recvmsg_validate(buffer, res, header);
    if (message == NULL) {
        return -EINVAL;
    }
    out->name = io_uring_recvmsg_name(message);
    out->name_length = message->namelen;
    out->payload = io_uring_recvmsg_payload(message, header);
    out->length = io_uring_recvmsg_payload_length(message, res, header);
    out->wire_length = message->payloadlen;
    out->flags = message->flags;
    out->control = (unsigned char *)io_uring_recvmsg_name(message) + ((struct msghdr *)header)->msg_namelen;
    out->control_length = message->controllen;
    return 0;
}

unsigned short CURing_buffer_id(uint32_t flags) {
    return (unsigned short)(flags >> IORING_CQE_BUFFER_SHIFT);
}

int CURing_has_buffer(uint32_t flags) {
    return (flags & IORING_CQE_F_BUFFER) != 0;
}

int CURing_has_more(uint32_t flags) {
    return (flags & IORING_CQE_F_MORE) != 0;
}
