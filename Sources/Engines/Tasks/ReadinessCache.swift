/// The readiness of one I/O source as the executor last saw it (tokio-core's `PollEvented`).
///
/// A socket is registered once, edge-triggered for reading; writability is watched only after a
/// send would block (``ReactorExecutor/watchWrites(of:_:)``), and until then the cache says
/// "writable". While the cache says "not readable", a receive returns would-block **without a
/// syscall** and records the task to notify; only a real `EAGAIN` clears the flag. That is why, in a join of ten sockets, the nine idle
/// ones cost nothing when the tenth receives a datagram.
public final class ReadinessCache {
    /// The kernel reported readability since the last would-block.
    public private(set) var isReadable = false
    /// No send has hit would-block since the kernel last reported writability (a UDP socket is
    /// writable until its send buffer fills).
    public private(set) var isWritable = true
    private var reader: Notifier?
    private var writer: Notifier?
    /// The registration's token (for re-arming it).
    let token: Token

    init(token: Token) {
        self.token = token
    }

    /// Records an event from the reactor and notifies the task waiting for it.
    func record(_ readiness: Readiness) {
        if !readiness.isDisjoint(with: [.readable, .error, .hangup]) {
            isReadable = true
            reader?.notify()
            reader = nil
        }
        if readiness.contains(.writable) {
            isWritable = true
            writer?.notify()
            writer = nil
        }
    }

    /// The source would block for reading (the cache said so, or the kernel did): notify
    /// `context`'s task at the next readable edge.
    public func awaitReadable(_ context: TaskContext) {
        isReadable = false
        reader = context.notifier
    }

    /// The source would block for writing: notify `context`'s task at the next writable edge.
    public func awaitWritable(_ context: TaskContext) {
        isWritable = false
        writer = context.notifier
    }
}
