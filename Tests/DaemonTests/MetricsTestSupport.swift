import Foundation
import Glibc
import UDPLabOS
import UDPLabProtocol

/// A blocking TCP connection to 127.0.0.1, for the metrics endpoint's tests: it writes exactly
/// the bytes it is given and reads what comes back (no HTTP library between the test and the
/// daemon's parser).
final class TCPConnection {
    private let descriptor: Int32

    init(port: UInt16) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ChildFailure("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(descriptor)
            throw ChildFailure("connect to 127.0.0.1:\(port): errno \(code)")
        }
    }

    deinit { close(descriptor) }

    /// Writes `bytes` (`MSG_NOSIGNAL`: a closed peer is an error, not SIGPIPE).
    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw ChildFailure("send: errno \(errno)") }
            offset += sent
        }
    }

    /// Reads until the peer closes or `timeout` passes, or (`until`) the bytes so far satisfy it.
    func read(timeout: Duration, until complete: ([UInt8]) -> Bool = { _ in false }) -> (bytes: [UInt8], closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while !complete(bytes) {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return (bytes, false) }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + 1)
            guard poll(&poller, 1, milliseconds) > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return (bytes, true) }
            bytes += chunk[..<count]
        }
        return (bytes, false)
    }
}

/// One HTTP response as the tests read it.
struct HTTPResponse {
    let status: Int
    let headers: [String: String]
    let body: String

    /// Parses a whole response (`Connection: close`, so the body runs to the end).
    init(_ bytes: [UInt8]) throws {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw ChildFailure("no HTTP head in \(text.prefix(200))") }
        let lines = text[..<split.lowerBound].split(separator: "\r\n")
        let statusLine = lines.first?.split(separator: " ") ?? []
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw ChildFailure("status line: \(text.prefix(80))")
        }
        self.status = status
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces
            )
        }
        self.headers = headers
        body = String(text[split.upperBound...])
    }

    /// `GET path` on 127.0.0.1:`port` with `Connection: close`.
    static func get(port: UInt16, path: String = "/metrics", accept: String? = nil) throws -> HTTPResponse {
        let connection = try TCPConnection(port: port)
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let accept { request += "Accept: \(accept)\r\n" }
        try connection.write(Array((request + "\r\n").utf8))
        let (bytes, closed) = connection.read(timeout: .seconds(20))
        guard closed else { throw ChildFailure("no whole response within 20 s: \(bytes.count) bytes") }
        return try HTTPResponse(bytes)
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's pick, released).
func freeTCPPort() throws -> UInt16 {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
        }
    }
    guard bound else { throw ChildFailure("no free TCP port: errno \(errno)") }
    return UInt16(bigEndian: address.sin_port)
}

/// A UDP client that sends a datagram to an echo engine and waits for its echo (a blocking
/// socket with a receive timeout).
final class EchoProbe {
    private let descriptor: Int32
    private let port: UInt16

    init(port: UInt16) throws {
        self.port = port
        descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw ChildFailure("socket: errno \(errno)") }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    /// Sends one datagram and waits (at most 2 s) for its echo: `true` when it came back.
    func echo(_ payload: [UInt8] = Array("metrics".utf8)) -> Bool {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let sent = payload.withUnsafeBytes { bytes in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard sent == payload.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 2048)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        return count == payload.count && Array(buffer[..<count]) == payload
    }
}

extension DaemonHarness {
    /// The metrics endpoint's port, from the daemon's "metrics endpoint listening" line.
    func metricsPort() throws -> UInt16 {
        let line = child?.stderr.split(separator: "\n").first { $0.contains("metrics endpoint listening") }
        guard let line, let colon = line.lastIndex(of: ":"), let port = UInt16(line[line.index(after: colon)...]) else {
            throw ChildFailure("no metrics endpoint line in \(child?.stderr ?? "")")
        }
        return port
    }

    /// Starts echo engine `name` on 127.0.0.1 and returns its port.
    /// Starts relay engine `name` on free ports, registers one consumer and relays 3 datagrams
    /// to it, so that every consumer series has a sample.
    /// - Returns: the consumer's address, as the relay's series label it.
    func startRelayWithOneConsumer(_ name: String) throws -> String {
        _ = try ctl(["start", "relay", "--name", name, "--bind", "127.0.0.1:0", "--consumer-bind", "127.0.0.1:0"])
        guard let engine = try ctlJSON(["list"], as: ListMethod.Reply.self).engines.first(where: { $0.name == name }),
            engine.addresses.count == 2
        else { throw ChildFailure("relay \(name) is not listed with two addresses") }
        let producers = try SocketAddress(parsing: engine.addresses[0])
        let consumers = try SocketAddress(parsing: engine.addresses[1])
        let consumer = try UDPSocket(binding: SocketAddress(loopbackPort: 0))
        let producer = try UDPSocket(binding: SocketAddress(loopbackPort: 0))
        _ = try [UInt8(ascii: "1")].withUnsafeBytes { try consumer.send($0, to: consumers) }
        let deadline = ContinuousClock.now + .seconds(10)
        while try ctlJSON(["stats", name], as: StatsMethod.Reply.self).engines.first?.consumers?.count != 1 {
            guard ContinuousClock.now < deadline else { throw ChildFailure("the relay never registered its consumer") }
        }
        for _ in 0..<3 { _ = try Array("relayed".utf8).withUnsafeBytes { try producer.send($0, to: producers) } }
        var received = 0
        var buffer = [UInt8](repeating: 0, count: 64)
        while received < 3 {
            guard ContinuousClock.now < deadline else { throw ChildFailure("the consumer got \(received) of 3") }
            if case .processed = try buffer.withUnsafeMutableBytes({ try consumer.receive(into: $0) }) { received += 1 }
        }
        return consumer.localAddress.description
    }

    func startEcho(_ name: String, extra: [String] = []) throws -> UInt16 {
        let (status, stdout, stderr) = try ctl(["start", "echo", "--name", name, "--bind", "127.0.0.1:0"] + extra)
        guard status == 0, let colon = stdout.lastIndex(of: ":"),
            let port = UInt16(stdout[stdout.index(after: colon)...].prefix { $0.isNumber })
        else { throw ChildFailure("start \(name): \(stdout)\(stderr)") }
        return port
    }
}
