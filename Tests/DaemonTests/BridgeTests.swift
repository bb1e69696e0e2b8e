import Foundation
import Testing
import UDPLabOS
import UDPLabProtocol

@testable import CtlClient

/// `udplabctl bridge`, the remote end of `-H`, without ssh: its stdin and stdout are one end of a
/// socket pair here, as they are ssh's channel there.
@Suite("udplabctl bridge")
struct BridgeTests {
    @Test("The bridge carries calls and replies both ways and exits 0 once its stdin closes")
    func relays() throws {
        let daemon = try DaemonHarness()
        let child = try daemon.start()
        let pair = try UnixStreamSocket.pair()
        let bridge = try Subprocess(
            program: ChildProcess.productPath("udplabctl"),
            arguments: ["bridge", "--socket", daemon.socketPath],
            standardIO: pair.remote
        )
        do {
            let socket = pair.closingRemote()
            var reader = FrameReader(limit: 1 << 20)
            for _ in 0..<2 {
                let reply = try Self.call(socket, &reader, #"{"method":"io.udplab.Status","parameters":{}}"#)
                #expect(reply.error == nil)
                #expect(reply.object["pid"] as? Int == Int(child.pid))
            }
        }
        #expect(bridge.wait(timeout: .seconds(10)) == .exited(0), "\(bridge.readErrorOutput())")
    }

    @Test("A request whose sender's stdin ends at once still gets its reply (printf … | udplabctl bridge)")
    func replyAfterEndOfInput() throws {
        let daemon = try DaemonHarness()
        let child = try daemon.start()
        let pair = try UnixStreamSocket.pair()
        let bridge = try Subprocess(
            program: ChildProcess.productPath("udplabctl"),
            arguments: ["bridge", "--socket", daemon.socketPath],
            standardIO: pair.remote
        )
        do {
            let socket = pair.closingRemote()
            var reader = FrameReader(limit: 1 << 20)
            let reply = try Self.call(socket, &reader, #"{"method":"io.udplab.Status","parameters":{}}"#) {
                try socket.shutdownWriting()
            }
            #expect(reply.error == nil)
            #expect(reply.object["pid"] as? Int == Int(child.pid))
        }
        #expect(bridge.wait(timeout: .seconds(10)) == .exited(0), "\(bridge.readErrorOutput())")
    }

    @Test("No daemon at the socket: the bridge exits 69 with udplabctl's message on stderr")
    func noDaemon() throws {
        let pair = try UnixStreamSocket.pair()
        let bridge = try Subprocess(
            program: ChildProcess.productPath("udplabctl"),
            arguments: ["bridge", "--socket", "/nonexistent/udplabd.sock"],
            standardIO: pair.remote
        )
        let socket = pair.closingRemote()
        var byte: UInt8 = 0
        // End of file: the bridge has gone.
        #expect(try socket.waitReadable(timeout: .seconds(10)))
        #expect(try withUnsafeMutableBytes(of: &byte) { try socket.read(into: $0) } == 0)
        #expect(bridge.wait(timeout: .seconds(10)) == .exited(ExitStatus.unreachable.rawValue))
        #expect(
            bridge.readErrorOutput()
                == "udplabctl: cannot reach udplabd at /nonexistent/udplabd.sock: no such socket (is udplabd running?)\n"
        )
    }

    /// Sends one call frame and reads one reply frame, waiting at most 5 s.
    private static func call(
        _ socket: borrowing UnixStreamSocket,
        _ reader: inout FrameReader,
        _ json: String,
        afterSending: () throws -> Void = {}
    ) throws
        -> VarlinkReply
    {
        try (Array(json.utf8) + [0]).withUnsafeBytes { try socket.writeAll($0, timeout: .seconds(5)) }
        try afterSending()
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = ContinuousClock.now + .seconds(5)
        while true {
            if let frame = try reader.nextFrame() { return try VarlinkReply(frame: frame) }
            let remaining = deadline - .now
            guard remaining > .zero, try socket.waitReadable(timeout: remaining) else { throw ChildFailure("no reply") }
            let count = try buffer.withUnsafeMutableBytes { try socket.read(into: $0) }
            guard count > 0 else { throw ChildFailure("the bridge closed the connection") }
            buffer.withUnsafeBytes { reader.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
    }
}
