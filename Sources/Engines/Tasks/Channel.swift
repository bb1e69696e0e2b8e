import DequeModule

/// A bounded channel between futures of one executor (futures 0.1's `mpsc::channel`, without
/// its extra slot per sender): when it holds `capacity` values, ``send(_:_:)`` refuses and
/// notifies the sender once there is room — backpressure, never a drop.
public final class Channel<Value> {
    private var values: Deque<Value> = []
    /// How many values it holds at most.
    public let capacity: Int
    private var receiver: Notifier?
    private var sender: Notifier?

    /// A channel of `capacity` values (≥ 1).
    public init(capacity: Int) {
        // Internal invariant: the capacity is `--queue`, validated 1–4096.
        precondition(capacity >= 1)
        self.capacity = capacity
        values.reserveCapacity(capacity)
    }

    /// How many values wait.
    public var count: Int { values.count }

    /// Queues `value`, or, when the channel is full, returns it and notifies `context`'s task
    /// when a value has been taken.
    ///
    /// - Returns: `nil` when queued, else the value back.
    public func send(_ value: Value, _ context: TaskContext) -> Value? {
        guard values.count < capacity else {
            sender = context.notifier
            return value
        }
        values.append(value)
        receiver?.notify()
        receiver = nil
        return nil
    }

    /// Takes the oldest value, or, when there is none, notifies `context`'s task when one comes.
    public func receive(_ context: TaskContext) -> Value? {
        guard let value = values.popFirst() else {
            receiver = context.notifier
            return nil
        }
        sender?.notify()
        sender = nil
        return value
    }
}
