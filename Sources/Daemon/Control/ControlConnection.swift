import Foundation
import Logging
import UDPLabCore

/// One client of the control socket, served on its own thread: frames in, replies out, in order.
///
/// A slow or stalled client holds only its own thread; every other client and engine goes on.
final class ControlConnection {
    private let socket: UnixStreamSocket
    private let peer: Peer
    private let handler: RequestHandler
    private let shutdown: Waker
    private let logger: Logger
    private var reader = FrameReader()

    init(socket: consuming UnixStreamSocket, peer: Peer, handler: RequestHandler, shutdown: Waker, logger: Logger) {
        self.socket = socket
        self.peer = peer
        self.handler = handler
        self.shutdown = shutdown
        self.logger = logger
    }

    /// Serves the client until it closes, idles for 60 s, breaks the protocol, or the daemon stops.
    func run() {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        do {
            while true {
                switch try socket.waitReadable(timeout: ControlProtocol.idleTimeout, wakingOn: shutdown) {
                case .woken:
                    return
                case .timedOut:
                    logger.info("control client idle, closing", metadata: ["peer_pid": "\(peer.credentials.pid)"])
                    return
                case .readable:
                    break
                }
                let count = try buffer.withUnsafeMutableBytes { try socket.read(into: $0) }
                if count == 0 { return }
                buffer.withUnsafeBytes { reader.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
                while let frame = try nextFrame() {
                    guard try serve(frame) else { return }
                }
            }
        } catch {
            logger.debug("control connection closed", metadata: ["reason": "\(error)"])
        }
    }

    /// The next complete frame; an oversized one gets an error reply and ends the connection.
    private func nextFrame() throws -> Data? {
        do {
            return try reader.nextFrame()
        } catch {
            let limit = ControlProtocol.maximumFrameSize
            try send(VarlinkReply(.protocolError(reason: "frame larger than \(limit) bytes")))
            discardInput()
            throw error
        }
    }

    /// Reads and drops what the client is still sending (for at most a second), so that closing
    /// does not reset the connection before the client has read the error reply.
    private func discardInput() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let deadline = ContinuousClock.now + .seconds(1)
        while ContinuousClock.now < deadline {
            let remaining = deadline - ContinuousClock.now
            guard (try? socket.waitReadable(timeout: remaining, wakingOn: shutdown)) == .readable,
                let count = try? buffer.withUnsafeMutableBytes({ try socket.read(into: $0) }), count > 0
            else { return }
        }
    }

    /// Answers one frame. Returns `false` when the connection must close.
    private func serve(_ frame: Data) throws -> Bool {
        let call: VarlinkCall
        do {
            call = try VarlinkCall(frame: frame)
        } catch {
            // The stream is still framed, so the client may go on after this reply.
            try send(VarlinkReply(error))
            return true
        }
        if call.more && !call.oneway && call.method == StatsMethod.name {
            return try stream(call)
        }
        let handler = self.handler
        let peer = self.peer
        let reply = awaitFromThread { await handler.reply(to: call, from: peer) }
        if !call.oneway {
            try send(reply)
        }
        return true
    }

    /// Streams `Stats` replies (`continues: true`) every interval until the client disconnects.
    private func stream(_ call: VarlinkCall) throws -> Bool {
        let parameters: StatsMethod.Parameters
        do {
            parameters = try call.decodeParameters(StatsMethod.Parameters.self)
        } catch {
            try send(VarlinkReply(error))
            return true
        }
        let seconds = parameters.interval ?? 1
        guard (0.05...3600).contains(seconds) else {
            // Checked before converting: a huge value would trap in Duration.
            try send(VarlinkReply(.invalidParameter(parameter: "interval")))
            return true
        }
        let interval = Duration.milliseconds(Int64(seconds * 1000))
        let handler = self.handler
        while true {
            let reply = awaitFromThread { await handler.streamedStats(parameters) }
            try send(reply)
            if !reply.continues {
                return true
            }
            switch try socket.waitReadable(timeout: interval, wakingOn: shutdown) {
            case .timedOut: continue
            // A client that sends during a stream, or hangs up, ends it.
            case .readable, .woken: return false
            }
        }
    }

    private func send(_ reply: VarlinkReply) throws {
        let frame = reply.frame()
        try frame.withUnsafeBytes { try socket.writeAll($0, timeout: .seconds(10)) }
    }
}
