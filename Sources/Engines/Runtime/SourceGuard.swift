import UDPLabOS
import UDPLabProtocol

/// The loop and reflection guard every echo backend asks, at the one place where it accepts a
/// datagram for echo, before it makes the reply: a datagram from a denied source port
/// (`--deny-source-ports`, ``SourcePortList``) gets no echo and is counted in `policy_drops`.
///
/// The list is a bitmap of all 65,536 ports (8 KiB), so a datagram costs one load and a bit
/// test whatever the list holds; with `--deny-source-ports none` there is no bitmap and the
/// check is a branch on `nil`. Built once per engine loop, never changed: the loop reads it
/// without locks (and NIO's handlers share it, hence `Sendable`).
public final class SourceGuard: @unchecked Sendable {
    /// Bit `port` set: denied; `nil` when no port is.
    private let denied: UnsafeMutablePointer<UInt64>?
    private let counters: EngineCounters
    private let trace: TraceSink?
    /// 64-bit words in the bitmap: 65,536 bits.
    private static let wordCount = 1024

    /// The guard `spec` asks for, counting in `counters` and tracing to `trace`.
    public init(spec: EngineSpec, counters: EngineCounters, trace: TraceSink?) {
        let ports = spec.effectiveDenySourcePorts.ports
        if ports.isEmpty {
            denied = nil
        } else {
            let bitmap = UnsafeMutablePointer<UInt64>.allocate(capacity: Self.wordCount)
            bitmap.initialize(repeating: 0, count: Self.wordCount)
            for port in ports {
                bitmap[Int(port >> 6)] |= 1 << UInt64(port & 63)
            }
            denied = bitmap
        }
        self.counters = counters
        self.trace = trace
    }

    deinit { denied?.deallocate() }

    /// Whether a datagram from `port` is denied (nothing counted; traced).
    @inline(__always)
    public func denies(port: UInt16) -> Bool {
        guard let denied, denied[Int(port >> 6)] & (1 << UInt64(port & 63)) != 0 else { return false }
        trace?("no reply: source port \(port) is denied (--deny-source-ports).")
        return true
    }

    /// Whether a datagram from `source` may be echoed; one that may not is counted in
    /// `policy_drops`.
    @inline(__always)
    public func admits(_ source: SocketAddress) -> Bool { admits(port: source.port) }

    /// Whether a datagram from source port `port` may be echoed; one that may not is counted in
    /// `policy_drops`.
    @inline(__always)
    public func admits(port: UInt16) -> Bool {
        guard denies(port: port) else { return true }
        counters.policyDrops.increment()
        return false
    }
}
