import Synchronization

/// One statistics counter: written by an engine's loop without locks, read from any thread.
public struct Counter: ~Copyable, Sendable {
    private let storage = Atomic<UInt64>(0)

    init() {}

    /// Adds `amount`. Only the engine's own loop thread may call this: with a single writer a
    /// relaxed load and store are enough, and on x86 they are plain moves, not locked adds.
    @inline(__always)
    public func increment(by amount: UInt64 = 1) {
        storage.store(storage.load(ordering: .relaxed) &+ amount, ordering: .relaxed)
    }

    /// Adds `amount` from any thread (an atomic read-modify-write).
    @inline(__always)
    public func add(_ amount: UInt64 = 1) {
        storage.add(amount, ordering: .relaxed)
    }

    /// Raises the counter to `value` if it is lower: a high-water mark. Single writer, as ``increment(by:)``.
    @inline(__always)
    public func raise(to value: UInt64) {
        if value > storage.load(ordering: .relaxed) {
            storage.store(value, ordering: .relaxed)
        }
    }

    /// The current value.
    public var value: UInt64 { storage.load(ordering: .relaxed) }
}
