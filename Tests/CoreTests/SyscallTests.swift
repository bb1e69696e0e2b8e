import Glibc
import Testing

@testable import UDPLabOS

@Suite("OS layer")
struct SyscallTests {
    @Test("A receive with nothing queued is a would-block value, not an error")
    func wouldBlockIsAValue() throws {
        let socket = try UDPSocket(binding: .init(loopbackPort: 0))
        var buffer = [UInt8](repeating: 0, count: 8)
        let result = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0) }
        #expect(result == .wouldBlock)
    }

    @Test("A failing call throws a SystemError naming the call and its errno")
    func errnoBecomesTypedError() throws {
        let first = try UDPSocket(binding: .init(loopbackPort: 0))
        #expect(throws: SystemError(code: EADDRINUSE, operation: "bind")) {
            try UDPSocket(binding: first.localAddress)
        }
        let error = SystemError(code: EADDRINUSE, operation: "bind")
        #expect(error.isAddressInUse)
        #expect(error.description == "bind: Address already in use (errno \(EADDRINUSE))")
    }

    @Test("MSG_TRUNC reports a datagram's real length")
    func truncationIsDetected() throws {
        let socket = try UDPSocket(binding: .init(loopbackPort: 0))
        let client = try TestClient()
        try client.send([UInt8](repeating: 7, count: 100), to: socket.localAddress)
        var buffer = [UInt8](repeating: 0, count: 10)
        let result = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0) }
        guard case .processed(let datagram) = result else { throw TestFailure("nothing received") }
        #expect(datagram.byteCount == 10)
        #expect(datagram.wireLength == 100)
        #expect(datagram.isTruncated)
        #expect(datagram.source == client.address)
    }

    @Test("The send gate makes sends report would-block without reaching the kernel")
    func sendGate() throws {
        let gate = SendGate()
        let socket = try UDPSocket(binding: .init(loopbackPort: 0), sendGate: gate)
        let client = try TestClient()
        gate.close()
        let blocked = try [UInt8(1)].withUnsafeBytes { try socket.send($0, to: client.address) }
        #expect(blocked == .wouldBlock)
        #expect(try client.receive(timeout: .milliseconds(20)) == nil)
        gate.open()
        let sent = try [UInt8(2)].withUnsafeBytes { try socket.send($0, to: client.address) }
        #expect(sent == .processed(1))
        #expect(try client.expectDatagram() == [2])
    }

    @Test("Timeouts round up to whole milliseconds; nil waits forever")
    func timeouts() {
        #expect(Duration.milliseconds(forTimeout: nil) == -1)
        #expect(Duration.milliseconds(forTimeout: .zero) == 0)
        #expect(Duration.milliseconds(forTimeout: .microseconds(1)) == 1)
        #expect(Duration.milliseconds(forTimeout: .milliseconds(1500)) == 1500)
        #expect(Duration.milliseconds(forTimeout: .seconds(-1)) == 0)
    }

    @Test("An eventfd is readable after a signal and drains to zero")
    func eventFD() throws {
        let eventFD = try EventFD()
        #expect(try eventFD.drain() == .wouldBlock)
        try eventFD.signal()
        try eventFD.signal()
        #expect(try eventFD.drain() == .processed(2))
        #expect(try eventFD.drain() == .wouldBlock)
    }
}
