import Glibc
import Synchronization

/// Reads how many datagrams the kernel dropped on an engine's sockets (receive buffer full),
/// from any thread: what the engine never saw, reported apart from its own `dropped`.
///
/// It keeps a duplicate of each socket's descriptor, so reading never races with the engine
/// closing its own; ``close()`` (at engine stop) releases them and with them the port.
public final class KernelDropGauge: Sendable {
    /// `SO_MEMINFO` (linux/sock_diag.h, Linux ≥ 4.12): the socket's memory counters.
    private static let memoryInfoOption: Int32 = 55
    /// `SK_MEMINFO_DROPS`: the index of the drop count in that array of `SK_MEMINFO_VARS` (9) values.
    private static let dropsIndex = 8
    private static let valueCount = 9

    private let descriptors = Mutex<[Int32]>([])
    private let dropsAtClose = Atomic<UInt64>(0)

    /// An empty gauge.
    public init() {}

    /// Adds `socket` (a duplicate of its descriptor).
    ///
    /// The corresponding C call is `fcntl(2)` `F_DUPFD_CLOEXEC`.
    /// - Throws: ``SystemError`` when the descriptor cannot be duplicated.
    public func add(_ socket: borrowing UDPSocket) throws(SystemError) {
        let duplicate = try systemCall("fcntl(F_DUPFD_CLOEXEC)") {
            fcntl(socket.descriptor.rawValue, F_DUPFD_CLOEXEC, 0)
        }
        descriptors.withLock { $0.append(duplicate) }
    }

    /// Datagrams the kernel dropped on all the sockets so far (after ``close()``, the count then).
    ///
    /// The corresponding C call is `getsockopt(2)` `SO_MEMINFO`.
    public var drops: UInt64 {
        descriptors.withLock { descriptors in
            if descriptors.isEmpty { return dropsAtClose.load(ordering: .relaxed) }
            return Self.sum(descriptors)
        }
    }

    private static func sum(_ descriptors: [Int32]) -> UInt64 {
        descriptors.reduce(0) { total, descriptor in
            var values = [UInt32](repeating: 0, count: Self.valueCount)
            var length = socklen_t(MemoryLayout<UInt32>.size * Self.valueCount)
            guard getsockopt(descriptor, SOL_SOCKET, Self.memoryInfoOption, &values, &length) == 0 else { return total }
            return total + UInt64(values[Self.dropsIndex])
        }
    }

    /// Keeps the count and closes the duplicates. Call once the engine's own descriptors are closed.
    public func close() {
        descriptors.withLock { descriptors in
            if !descriptors.isEmpty {
                dropsAtClose.store(Self.sum(descriptors), ordering: .relaxed)
            }
            for descriptor in descriptors {
                _ = Glibc.close(descriptor)
            }
            descriptors.removeAll()
        }
    }

    deinit {
        close()
    }
}
