/// Futures joined in one task (futures 0.1's `join_all`): every poll polls every pending child,
/// in order — a notification for one costs a poll of all of them.
public final class JoinAll: TaskFuture {
    private var children: [(any TaskFuture)?]

    /// Joins `children`; ready when all are.
    public init(_ children: [any TaskFuture]) {
        self.children = children
    }

    public func poll(_ context: TaskContext) -> PollResult {
        var isDone = true
        for index in children.indices {
            guard let child = children[index] else { continue }
            if child.poll(context) == .ready {
                children[index] = nil
            } else {
                isDone = false
            }
        }
        return isDone ? .ready : .pending
    }
}
