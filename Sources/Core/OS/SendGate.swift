import Synchronization

/// A test seam that makes ``UDPSocket/send(_:to:)`` report would-block without calling the kernel.
///
/// Loopback sends almost never block, so an engine's queue-full and resume paths can only be
/// driven this way. Engines get one only through `Engine.start(_:sendGate:)`, which the command
/// line and the control socket never pass.
public final class SendGate: Sendable {
    private let closed = Atomic<Bool>(false)

    /// Creates an open gate: sends go to the kernel.
    public init() {}

    /// `true` while sends report would-block.
    public var isClosed: Bool { closed.load(ordering: .acquiring) }

    /// Makes every following send report would-block.
    public func close() { closed.store(true, ordering: .releasing) }

    /// Lets sends reach the kernel again.
    public func open() { closed.store(false, ordering: .releasing) }
}
