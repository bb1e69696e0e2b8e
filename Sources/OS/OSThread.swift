import CLinux
import Glibc

/// A POSIX thread that runs one closure, named so that `top -H` and strace show what it is.
///
/// Engines run here, never on Swift's cooperative pool: their loops block in the kernel.
public final class OSThread: Sendable {
    private let handle: pthread_t

    private init(handle: pthread_t) { self.handle = handle }

    /// Starts a thread running `body`.
    ///
    /// The corresponding C calls are `pthread_create(3)` and `pthread_setname_np(3)`.
    ///
    /// - Parameters:
    ///   - name: the thread's name; the kernel keeps its first 15 bytes.
    ///   - body: what the thread runs.
    /// - Throws: ``SystemError`` when no thread can be created (`EAGAIN`: a resource limit).
    public static func spawn(name: String, _ body: @escaping @Sendable () -> Void) throws(SystemError) -> OSThread {
        final class Box {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        // The box is retained here and released by the new thread once it has taken the closure.
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var handle = pthread_t()
        let code = pthread_create(
            &handle,
            nil,
            { argument in
                let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
                box.body()
                return nil
            },
            box
        )
        guard code == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            throw SystemError(code: code, operation: "pthread_create")
        }
        // The kernel keeps 15 bytes; a cut through a multi-byte character becomes U+FFFD.
        _ = CLinux_pthread_setname(handle, String(decoding: name.utf8.prefix(15), as: UTF8.self))
        return OSThread(handle: handle)
    }

    /// Waits until the thread's closure has returned. Call it once.
    ///
    /// The corresponding C call is `pthread_join(3)`.
    public func join() {
        let code = pthread_join(handle, nil)
        // pthread_join fails only for a thread that is not joinable or already joined (EINVAL,
        // ESRCH) or that is the caller (EDEADLK): each thread here is joined once, by its owner
        // (`Engine.stop`, from the daemon's actor; a loop's helper thread, by its loop), never
        // by itself. No request or datagram decides which thread joins which.
        precondition(code == 0, "pthread_join failed with \(code)")
    }

    /// Pins the calling thread to `cpu` (`sched_setaffinity(2)`), as `--steer cpu` does for
    /// each loop thread.
    /// - Throws: ``SystemError`` (`EINVAL` for a CPU that is not online or not allowed).
    public static func pinCurrentThread(toCPU cpu: Int) throws(SystemError) {
        _ = try systemCall("sched_setaffinity") { CLinux_pin_current_thread(UInt32(clamping: cpu)) }
    }

    /// The CPU the calling thread runs on now (`sched_getcpu(3)`).
    public static var currentCPU: Int { Int(CLinux_current_cpu()) }

    /// CPUs online (`sysconf(_SC_NPROCESSORS_ONLN)`), at least 1.
    public static var onlineCPUs: Int { max(Int(CLinux_online_cpus()), 1) }

    /// Blocks the calling thread for `duration` (a negative one returns at once), resuming the
    /// wait when a signal interrupts it, so the whole duration passes.
    ///
    /// The corresponding C call is `nanosleep(2)`.
    public static func sleep(for duration: Duration) {
        let nanoseconds = duration.nanoseconds
        var request = timespec(
            tv_sec: Int(clamping: nanoseconds / 1_000_000_000),
            tv_nsec: Int(nanoseconds % 1_000_000_000)
        )
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR {
            request = remaining
        }
    }
}
