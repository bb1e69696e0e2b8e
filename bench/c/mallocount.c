// LD_PRELOAD malloc counter for `make bench`: counts calls to malloc, calloc, realloc,
// posix_memalign, aligned_alloc and memalign. On SIGUSR2 it writes the count to the file named
// by $MALLOCOUNT_FILE, so a harness can read it before and after a measured window.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_ulong calls;
static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);

// dlsym may call calloc before real_calloc is known: serve that from a small static arena.
static char bootstrap[4096];
static size_t bootstrapUsed;

static void dump(int signal) {
    (void)signal;
    const char *path = getenv("MALLOCOUNT_FILE");
    if (!path) return;
    char text[32];
    unsigned long value = atomic_load(&calls);
    int length = 0;
    char digits[32];
    do { digits[length++] = (char)('0' + value % 10); value /= 10; } while (value);
    for (int i = 0; i < length; i++) text[i] = digits[length - 1 - i];
    text[length] = '\n';
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        (void)!write(fd, text, (size_t)length + 1);
        close(fd);
    }
}

__attribute__((constructor)) static void setup(void) {
    real_malloc = dlsym(RTLD_NEXT, "malloc");
    real_calloc = dlsym(RTLD_NEXT, "calloc");
    real_realloc = dlsym(RTLD_NEXT, "realloc");
    real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = dump;
    action.sa_flags = SA_RESTART;
    sigaction(SIGUSR2, &action, NULL);
}

void *malloc(size_t size) {
    atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
    if (!real_malloc) real_malloc = dlsym(RTLD_NEXT, "malloc");
    return real_malloc(size);
}

void *calloc(size_t count, size_t size) {
    if (!real_calloc) {
        size_t bytes = (count * size + 15) & ~(size_t)15;
        if (bootstrapUsed + bytes > sizeof(bootstrap)) return NULL;
        void *memory = bootstrap + bootstrapUsed;
        bootstrapUsed += bytes;
        return memory;
    }
    atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
    return real_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
    if (!real_realloc) real_realloc = dlsym(RTLD_NEXT, "realloc");
    return real_realloc(pointer, size);
}

int posix_memalign(void **pointer, size_t alignment, size_t size) {
    atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
    if (!real_posix_memalign) real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    return real_posix_memalign(pointer, alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
    if (!real_aligned_alloc) real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    return real_aligned_alloc(alignment, size);
}

void free(void *pointer) {
    static void (*real_free)(void *);
    if ((char *)pointer >= bootstrap && (char *)pointer < bootstrap + sizeof(bootstrap)) return;
    if (!real_free) real_free = dlsym(RTLD_NEXT, "free");
    real_free(pointer);
}
