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
        _ = CLinux_pthread_setname(handle, String(name.utf8.prefix(15))!)
        return OSThread(handle: handle)
    }

    /// Waits until the thread's closure has returned. Call it once.
    ///
    /// The corresponding C call is `pthread_join(3)`.
    public func join() {
        let code = pthread_join(handle, nil)
        precondition(code == 0, "pthread_join failed with \(code)")
    }
}
