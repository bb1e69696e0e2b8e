import Synchronization
import UDPLabOS

/// Datagrams received per socket, for engines with several (multisocket): readable from any
/// thread, written by the engine's loop without locks.
public final class SocketCounters: Sendable {
    /// The sockets' addresses, in socket order.
    public let addresses: [SocketAddress]
    // Allocated once and only ever accessed through the atomics it holds.
    nonisolated(unsafe) private let counts: UnsafeMutablePointer<Atomic<UInt64>>

    /// Zeroed counts for `addresses`.
    public init(addresses: [SocketAddress]) {
        self.addresses = addresses
        counts = .allocate(capacity: max(addresses.count, 1))
        for index in 0..<max(addresses.count, 1) {
            (counts + index).initialize(to: Atomic(0))
        }
    }

    deinit {
        counts.deinitialize(count: max(addresses.count, 1))
        counts.deallocate()
    }

    /// Counts one datagram on socket `index`. Only the engine's loop thread may call this.
    @inline(__always)
    func countReceive(on index: Int) {
        let counter = counts + index
        counter.pointee.store(counter.pointee.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
    }

    /// Datagrams received on each socket, in socket order.
    public var receiveCounts: [UInt64] {
        addresses.indices.map { (counts + $0).pointee.load(ordering: .relaxed) }
    }
}
