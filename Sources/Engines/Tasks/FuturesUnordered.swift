import Synchronization

/// A set of futures in one task where each child is polled with its own notifier
/// (futures 0.1's `FuturesUnordered`): a notification queues just that child, so a datagram on
/// one socket costs one child poll, not N.
public final class FuturesUnordered: TaskFuture {
    private var children: [(any TaskFuture)?] = []
    private var contexts: [TaskContext] = []
    /// Children notified since the last poll, and the task to notify; shared with the children's
    /// notifiers, which may run on any thread.
    private let woken = WokenChildren()

    /// An empty set.
    public init() {}

    /// Adds `child`; it is polled at the set's next poll.
    public func push(_ child: any TaskFuture) {
        let index = children.count
        let woken = self.woken
        children.append(child)
        contexts.append(TaskContext(notifier: Notifier { woken.wake(index) }))
        woken.wake(index)
    }

    public func poll(_ context: TaskContext) -> PollResult {
        for index in woken.take(parent: context.notifier) {
            guard let child = children[index] else { continue }
            if child.poll(contexts[index]) == .ready {
                children[index] = nil
            }
        }
        return children.contains { $0 != nil } ? .pending : .ready
    }
}

/// The indices of woken children, in notification order, each at most once, and the notifier
/// of the task that polls the set.
private final class WokenChildren: Sendable {
    private struct State {
        var order: [Int] = []
        var queued: Set<Int> = []
        var parent: Notifier?
    }

    private let state = Mutex(State())

    /// Queues child `index` and notifies the set's task (once per batch).
    func wake(_ index: Int) {
        let parent = state.withLock { state -> Notifier? in
            guard state.queued.insert(index).inserted else { return nil }
            state.order.append(index)
            return state.order.count == 1 ? state.parent : nil
        }
        parent?.notify()
    }

    /// Takes the queued children and records the set's task notifier.
    func take(parent: Notifier) -> [Int] {
        state.withLock { state in
            state.parent = parent
            defer {
                state.order.removeAll(keepingCapacity: true)
                state.queued.removeAll(keepingCapacity: true)
            }
            return state.order
        }
    }
}
