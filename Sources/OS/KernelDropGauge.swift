import Glibc
import Synchronization

/// Reads how many datagrams the kernel dropped on an engine's sockets (receive buffer full),
/// from any thread: what the engine never saw, reported apart from its own `dropped`.
///
/// It reads `SO_MEMINFO` through the engine's own descriptors, not duplicates: a duplicate per
/// socket would double the descriptors an engine costs, and the daemon's documented 4096
/// engine sockets would not fit its unit's `LimitNOFILE=`. A descriptor number is only safe to
/// use while it is open, so every reading holds the gauge's lock, and the engine calls
/// ``close()`` (which takes the last reading and forgets the numbers, under the same lock)
/// *before* its sockets are closed: a reading never reaches a closed or reused number.
public final class KernelDropGauge: Sendable {
    /// `SO_MEMINFO` (linux/sock_diag.h, Linux ≥ 4.12): the socket's memory counters.
    public static let memoryInfoOption: Int32 = 55
    /// The socket option level of ``memoryInfoOption``.
    public static let memoryInfoLevel = SOL_SOCKET

    /// The value of ``memoryInfoOption``: `SK_MEMINFO_VARS` (9) counters.
    public struct MemoryInfo: Sendable {
        /// The counters, in the kernel's order.
        public var values: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
            0, 0, 0, 0, 0, 0, 0, 0, 0
        )

        /// `SK_MEMINFO_DROPS`: datagrams dropped because the receive buffer was full.
        public var drops: UInt64 { UInt64(values.8) }

        /// Zeroed counters.
        public init() {}
    }

    /// One socket's drops, as the gauge reads them.
    private enum Source: Sendable {
        /// A socket udplab owns: its descriptor number, open until ``close()``.
        case descriptor(Int32)
        /// A socket another library owns (SwiftNIO's): read through it; `nil` when it cannot be.
        case reader(@Sendable () -> UInt64?)
    }

    private let state = Mutex<(sources: [Source], dropsAtClose: UInt64?)>(([], nil))

    /// An empty gauge.
    public init() {}

    /// Adds `socket`, which must stay open until ``close()`` returns.
    public func add(_ socket: borrowing UDPSocket) {
        let descriptor = socket.descriptor.rawValue
        state.withLock { $0.sources.append(.descriptor(descriptor)) }
    }

    /// Adds a socket read by `reader`, which must stay usable until ``close()`` returns; the
    /// gauge calls it under its lock, so it never runs concurrently with ``close()``.
    public func add(reader: @escaping @Sendable () -> UInt64?) {
        state.withLock { $0.sources.append(.reader(reader)) }
    }

    /// Datagrams the kernel dropped on all the sockets so far (after ``close()``, the count then).
    ///
    /// The corresponding C call is `getsockopt(2)` `SO_MEMINFO`.
    public var drops: UInt64 {
        state.withLock { state in state.dropsAtClose ?? Self.sum(state.sources) }
    }

    /// Takes the last reading and forgets the sockets; later readings return it. Call before
    /// the engine's sockets are closed; more calls change nothing.
    public func close() {
        state.withLock { state in
            guard state.dropsAtClose == nil else { return }
            state.dropsAtClose = Self.sum(state.sources)
            state.sources.removeAll()
        }
    }

    private static func sum(_ sources: [Source]) -> UInt64 {
        sources.reduce(0) { total, source in
            switch source {
            case .descriptor(let descriptor): total + (read(descriptor) ?? 0)
            case .reader(let reader): total + (reader() ?? 0)
            }
        }
    }

    /// One socket's drop count, or `nil` on a kernel without `SO_MEMINFO`.
    private static func read(_ descriptor: Int32) -> UInt64? {
        var info = MemoryInfo()
        var length = socklen_t(MemoryLayout<MemoryInfo>.size)
        guard getsockopt(descriptor, memoryInfoLevel, memoryInfoOption, &info, &length) == 0 else { return nil }
        return info.drops
    }
}
