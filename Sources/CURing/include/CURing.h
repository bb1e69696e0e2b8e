// io_uring through liburing, as plain functions: liburing's API is mostly static inline
// functions over kernel-shared memory, which Swift's importer does not handle well.
// Only Sources/OS may import this module. Message headers are passed as `void *` (each a
// `struct msghdr`): including <sys/socket.h> here hides Glibc's MSG_* constants from Swift.
#ifndef UDPLAB_CURING_H
#define UDPLAB_CURING_H

#include <stdint.h>

/// A ring and the provided-buffer ring registered with it (opaque).
typedef struct CURing CURing;

/// One completion, copied out of the completion queue.
typedef struct {
    uint64_t user_data;
    int32_t res;
    uint32_t flags;
} CURing_completion;

/// Where the parts of a datagram a multishot recvmsg(2) wrote into a provided buffer are.
typedef struct {
    void *name;
    uint32_t name_length;
    void *payload;
    /// Payload bytes in the buffer.
    uint32_t length;
    /// The datagram's length on the wire (more than `length` when truncated).
    uint32_t wire_length;
    /// recvmsg's msg_flags (MSG_TRUNC).
    uint32_t flags;
    /// The control messages (packet info, traffic class), when the header asked for room.
    void *control;
    uint32_t control_length;
} CURing_message;

/// Creates a ring with `entries` submission slots. Returns NULL and sets `*error` (an errno)
/// on failure.
CURing *CURing_create(unsigned entries, int *error);

/// Enables a ring created disabled, for the calling thread: the only one that may then submit
/// to it. Returns 0 or -errno.
int CURing_start(CURing *ring);

/// Cancels nothing, waits for nothing: unmaps the rings and closes the ring's descriptor.
void CURing_destroy(CURing *ring);

/// Registers a provided-buffer ring (group 0) holding `count` buffers of `size` bytes, `stride`
/// bytes apart from `base`, and fills it. Returns 0 or -errno.
int CURing_provide_buffers(CURing *ring, void *base, unsigned count, unsigned stride, unsigned size);

/// Gives buffer `id` back to the provided-buffer ring.
void CURing_recycle_buffer(CURing *ring, unsigned short id);

/// Queues a multishot recvmsg(2) on `fd` into group 0's buffers, with MSG_TRUNC so that the
/// wire length is reported. `header` gives the name and control lengths and must outlive it.
/// Returns 0, or -EBUSY when the submission queue is full.
int CURing_prepare_recvmsg_multishot(CURing *ring, int fd, void *header, uint64_t user_data);

/// Queues a sendmsg(2) on `fd`; `header` must stay valid until its completion.
/// Returns 0, or -EBUSY when the submission queue is full.
int CURing_prepare_sendmsg(CURing *ring, int fd, const void *header, uint64_t user_data);

/// Queues a multishot poll for POLLIN on `fd`. Returns 0, or -EBUSY when the queue is full.
int CURing_prepare_poll_multishot(CURing *ring, int fd, uint64_t user_data);

/// Queues the cancellation of every request with `target` as user data.
/// Returns 0, or -EBUSY when the queue is full.
int CURing_prepare_cancel(CURing *ring, uint64_t target, uint64_t user_data);

/// Submits what is queued, waiting for at least `wait` completions: one io_uring_enter(2).
/// Returns the number submitted, or -errno.
int CURing_submit(CURing *ring, unsigned wait);

/// Like CURing_submit, but waits at most `nanoseconds` for the completions (io_uring_enter(2)
/// with IORING_ENTER_EXT_ARG). Returns 0 or more, -ETIME when the time ran out, or -errno.
int CURing_submit_timeout(CURing *ring, unsigned wait, long long nanoseconds);

/// Copies up to `max` ready completions into `out` and frees their slots; does not enter the kernel.
unsigned CURing_reap(CURing *ring, CURing_completion *out, unsigned max);

/// Submissions queued and not yet submitted.
unsigned CURing_queued(CURing *ring);

/// Finds the parts of a datagram a multishot recvmsg wrote into `buffer` (`res` bytes), given
/// the header it was queued with. Returns 0, or -EINVAL when the buffer is too short.
int CURing_parse_message(void *buffer, int res, void *header, CURing_message *out);

/// The completion's provided-buffer id; valid when `CURing_has_buffer`.
unsigned short CURing_buffer_id(uint32_t flags);
/// Whether the completion carries a provided buffer.
int CURing_has_buffer(uint32_t flags);
/// Whether the request that completed stays armed (a multishot request goes on).
int CURing_has_more(uint32_t flags);

#endif
