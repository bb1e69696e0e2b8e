import Glibc
import Testing

@testable import UDPLabEngineKit
@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

extension Backend {
    /// The backends that run kind relay (the others refuse it, ``BackendTraits/refusesRelay``),
    /// less uring where io_uring cannot be used here (UringRelayTests says so when it skips).
    static var relays: [Backend] {
        allCases.filter { $0.traits.refusesRelay == nil && $0.unavailableReason == nil }
    }

    /// The relay backends whose sends go through the send seam: uring's go through the kernel's
    /// ring, not ``UDPSocket``, so a gate cannot block them (UringRelayTests covers its ring).
    static var gatedRelays: [Backend] { relays.filter { $0 != .uring } }

    /// The relay backends that take `--budget` (uring has no readiness events to budget).
    static var budgetedRelays: [Backend] { relays.filter { $0.traits.refuses[.budget] == nil } }
}

extension EngineSpec {
    /// A relay spec on ephemeral loopback ports (`127.0.0.1`, or `::1`): with `--bind` port 0 the
    /// consumer socket gets port 0 too, so the kernel picks both.
    static func testRelay(
        _ backend: Backend,
        queue: Int? = nil,
        budget: Int? = nil,
        trace: Bool = false,
        maxConsumers: Int? = nil,
        consumerTimeout: Double? = nil,
        ipv6: Bool = false
    ) -> EngineSpec {
        EngineSpec(
            kind: .relay,
            backend: backend,
            bind: try! SocketAddress(parsing: ipv6 ? "[::1]:0" : "127.0.0.1:0"),
            queue: queue,
            budget: budget,
            trace: trace,
            maxConsumers: maxConsumers,
            consumerTimeout: consumerTimeout
        )
    }
}

extension Engine {
    /// A relay's producer socket (`--bind`): socket 0.
    var producerAddress: SocketAddress { sockets.addresses[0] }
    /// A relay's consumer socket (`--consumer-bind`): socket 1.
    var consumerAddress: SocketAddress { sockets.addresses[1] }
    /// The addresses of a relay's registered consumers, in registration order.
    var consumerAddresses: [SocketAddress] { relayConsumers?.current.map(\.address) ?? [] }

    /// The registered consumer at `address`, if any.
    func relayConsumer(at address: SocketAddress) -> RelayConsumer? {
        relayConsumers?.current.first { $0.address == address }
    }
}

/// Payload `index` of a relay test: its index, big-endian, then `size - 4` filler bytes, so a
/// consumer can tell which datagram it got and in what order.
func relayPayload(_ index: Int, size: Int = 32) -> [UInt8] {
    var bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: index &* 7), count: max(size, 4))
    withUnsafeBytes(of: UInt32(index).bigEndian) { header in
        for (offset, byte) in header.enumerated() { bytes[offset] = byte }
    }
    return bytes
}

extension TestClient {
    /// The registration datagram: exactly the one byte `1`.
    static let register: [UInt8] = [UInt8(ascii: "1")]
    /// The leave datagram: exactly the one byte `0`.
    static let leave: [UInt8] = [UInt8(ascii: "0")]

    /// Registers with `engine` and waits until the relay lists this client as a consumer.
    func register(with engine: Engine) throws {
        try send(Self.register, to: engine.consumerAddress)
        try waitUntil("\(address) is registered") { engine.consumerAddresses.contains(address) }
    }

    /// Leaves `engine` and waits until the relay no longer lists this client.
    func leave(_ engine: Engine) throws {
        try send(Self.leave, to: engine.consumerAddress)
        try waitUntil("\(address) has left") { !engine.consumerAddresses.contains(address) }
    }

    /// Receives `count` datagrams and fails the test unless they are `payloads`, in order.
    func expectDatagrams(
        _ payloads: some Sequence<[UInt8]>,
        _ who: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        for (offset, expected) in payloads.enumerated() {
            let received = try expectDatagram(sourceLocation: sourceLocation)
            guard received == expected else {
                throw TestFailure(
                    "\(who): datagram \(offset) of the run is \(received.prefix(4)), expected \(expected.prefix(4))"
                )
            }
        }
    }

    /// Datagrams already queued in this socket, read without waiting.
    func drainQueued() throws -> [[UInt8]] {
        var queued: [[UInt8]] = []
        while let (bytes, _) = try receive(timeout: .zero) {
            queued.append(bytes)
        }
        return queued
    }

    /// Asks for a receive buffer of `bytes` (`SO_RCVBUF`; the kernel doubles it, and keeps a
    /// minimum), so that a consumer that never reads overflows after a few datagrams.
    func setReceiveBuffer(_ bytes: Int32) throws {
        var value = bytes
        let result = setsockopt(
            socket.descriptor.rawValue,
            SOL_SOCKET,
            SO_RCVBUF,
            &value,
            socklen_t(MemoryLayout<Int32>.size)
        )
        guard result == 0 else { throw TestFailure("setsockopt(SO_RCVBUF): errno \(errno)") }
    }
}
