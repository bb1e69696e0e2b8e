/// What polling a future says (futures 0.1's `Async`).
public enum PollResult: Sendable, Equatable {
    /// The future has finished.
    case ready
    /// Not yet. The future has arranged to be notified when it can make progress.
    case pending
}

/// A unit of work driven by polling, as in futures 0.1: the executor polls it when its task is
/// notified, never otherwise.
///
/// - Important: a future that returns `.pending` must first have arranged a notification —
///   recorded `context.notifier` with whatever it waits for (a ``ReadinessCache``, a
///   ``Channel``, a helper thread). Otherwise it is never polled again.
public protocol TaskFuture: AnyObject {
    /// Makes as much progress as possible without blocking.
    func poll(_ context: TaskContext) -> PollResult
}

/// What a future is polled with: the handle that notifies the task polling it (futures 0.1's
/// `task::current()`).
public struct TaskContext: Sendable {
    /// Notifies the task (or, inside ``FuturesUnordered``, just this child) to be polled again.
    public let notifier: Notifier
}

/// Asks for a task to be polled again. Safe from any thread; a notification from the executor's
/// own thread while it is not blocked costs no syscall.
public final class Notifier: Sendable {
    private let action: @Sendable () -> Void

    /// A notifier that runs `action`.
    public init(_ action: @escaping @Sendable () -> Void) {
        self.action = action
    }

    /// Requests a poll.
    public func notify() {
        action()
    }
}
