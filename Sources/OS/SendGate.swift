import Synchronization

/// A test seam that makes ``UDPSocket/send(_:to:)`` and batched sends report would-block without
/// calling the kernel.
///
/// Loopback sends almost never block, so an engine's queue-full and resume paths can only be
/// driven this way. Engines get one only through `Engine.start(_:sendGate:)`, which the command
/// line and the control socket never pass. ``allow(_:)`` lets a given number of datagrams through
/// first, which is how a test makes one `sendmmsg(2)` send only part of its batch.
public final class SendGate: Sendable {
    /// The datagrams still let through; negative when the gate is open.
    private let allowance = Atomic<Int>(-1)

    /// Creates an open gate: sends go to the kernel.
    public init() {}

    /// Makes every following send report would-block.
    public func close() { allowance.store(0, ordering: .releasing) }

    /// Lets sends reach the kernel again.
    public func open() { allowance.store(-1, ordering: .releasing) }

    /// Lets the next `count` datagrams through, then reports would-block as a closed gate does.
    public func allow(_ count: Int) {
        // Only tests open and close a gate (`Engine.start(_:sendGate:)`); no request reaches it.
        precondition(count >= 0)
        allowance.store(count, ordering: .releasing)
    }

    /// How many of `requested` datagrams may go to the kernel now; they are taken from the
    /// allowance. 0 means the send must report would-block.
    func admit(_ requested: Int) -> Int {
        var current = allowance.load(ordering: .acquiring)
        while current >= 0 {
            let admitted = min(current, requested)
            let exchange = allowance.compareExchange(
                expected: current,
                desired: current - admitted,
                ordering: .acquiringAndReleasing
            )
            if exchange.exchanged { return admitted }
            current = exchange.original
        }
        return requested
    }
}
