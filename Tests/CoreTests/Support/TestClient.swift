import Foundation
import Testing

@testable import UDPLabOS
@testable import UDPLabProtocol

/// A UDP peer for tests: a real socket on loopback, with receives that wait up to a deadline.
final class TestClient {
    let socket: UDPSocket
    private var buffer = [UInt8](repeating: 0, count: 65536)

    /// A client bound to an ephemeral port on `127.0.0.1` (or `::1`), or to `address`.
    init(ipv6: Bool = false, binding address: SocketAddress? = nil) throws {
        socket = try UDPSocket(binding: try address ?? SocketAddress(parsing: ipv6 ? "[::1]:0" : "127.0.0.1:0"))
    }

    var address: SocketAddress { socket.localAddress }

    /// Sends `bytes` to `address`; a loopback send that would block is a test failure.
    func send(_ bytes: [UInt8], to address: SocketAddress) throws {
        let result = try bytes.withUnsafeBytes { try socket.send($0, to: address) }
        guard case .processed(let count) = result, count == bytes.count else {
            throw TestFailure("send of \(bytes.count) bytes to \(address) did not complete: \(result)")
        }
    }

    /// Waits up to `timeout` for one datagram.
    func receive(timeout: Duration = .seconds(5)) throws -> (bytes: [UInt8], source: SocketAddress)? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let result = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0) }
            if case .processed(let datagram) = result {
                return (Array(buffer[..<datagram.byteCount]), datagram.source)
            }
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero { return nil }
            var pollSet = PollSet()
            pollSet.append(socket.descriptor, events: .readable)
            _ = try pollSet.wait(timeout: remaining)
        }
    }

    /// Receives one datagram or fails the test.
    func expectDatagram(
        timeout: Duration = .seconds(5),
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [UInt8] {
        guard let (bytes, _) = try receive(timeout: timeout) else {
            throw TestFailure("no datagram within \(timeout)")
        }
        return bytes
    }
}

/// A failed expectation that stops the test.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Waits until `condition` holds, checking every millisecond, for at most `timeout`.
///
/// This waits on an observable event (a counter reaching a value, a loop entering its wait)
/// with a deadline; it is not a sleep standing in for synchronisation.
func waitUntil(
    _ what: @autoclosure () -> String,
    timeout: Duration = .seconds(5),
    _ condition: () throws -> Bool
) throws {
    let deadline = ContinuousClock.now + timeout
    while try !condition() {
        if ContinuousClock.now >= deadline {
            throw TestFailure("timed out after \(timeout) waiting until \(what())")
        }
        Thread.sleep(forTimeInterval: 0.001)
    }
}

/// Random payloads of 1–1500 bytes, each starting with its index so echoes can be matched.
func makePayloads(count: Int, sizes: ClosedRange<Int> = 1...1500) -> [[UInt8]] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { index in
        let size = Int.random(in: sizes, using: &generator)
        var bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
        withUnsafeBytes(of: UInt32(index).bigEndian) { header in
            for (offset, byte) in header.enumerated() where offset < size { bytes[offset] = byte }
        }
        return bytes
    }
}

/// The open descriptors of this process, counted in /proc/self/fd.
func openDescriptorCount() throws -> Int {
    try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
}

extension EngineSpec {
    /// An echo spec on an ephemeral loopback port.
    static func testEcho(_ backend: Backend, queue: Int? = nil, buffer: Int? = nil, ipv6: Bool = false) -> EngineSpec {
        EngineSpec(
            backend: backend,
            bind: try! SocketAddress(parsing: ipv6 ? "[::1]:0" : "127.0.0.1:0"),
            queue: queue,
            buffer: buffer
        )
    }
}

extension Backend {
    /// The backends whose loop is udplab's own: every counter, truncation detection and the send
    /// seam apply. `nio`'s and `nio-async`'s loop is SwiftNIO's: its syscalls, wakeups and sends
    /// are not visible to udplab (the echo, stop and leak tests still cover them).
    static var udplabLoops: [Backend] { allCases.filter { $0 != .nio && $0 != .nioAsync } }
}
