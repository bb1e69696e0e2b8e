import FoundationEssentials
import Logging
import UDPLabEngineKit
import UDPLabOS
import UDPLabProtocol

/// One client of the control socket, served on its own thread: frames in, replies out, in order.
///
/// A slow or stalled client holds only its own thread; every other client and engine goes on.
/// Time limits, both ``idleTimeout`` long: with no call under way, the connection is closed after
/// that long; a call must have fully arrived that long after its first byte (a client trickling
/// a byte at a time is closed, not kept forever).
final class ControlConnection {
    private let socket: UnixStreamSocket
    private let peer: Peer
    private let handler: any CallHandler
    private let shutdown: Waker
    private let idleTimeout: Duration
    private let logger: Logger
    private var reader = FrameReader()
    /// When the unfinished frame in ``reader`` began (`nil` when there is none).
    private var frameStarted: ContinuousClock.Instant?
    private var chunk = [UInt8](repeating: 0, count: 16 * 1024)

    init(
        socket: consuming UnixStreamSocket,
        peer: Peer,
        handler: any CallHandler,
        shutdown: Waker,
        idleTimeout: Duration,
        logger: Logger
    ) {
        self.socket = socket
        self.peer = peer
        self.handler = handler
        self.shutdown = shutdown
        self.idleTimeout = idleTimeout
        self.logger = logger
    }

    /// Serves the client until it closes, idles, is too slow to send a call, breaks the
    /// protocol, or the daemon stops.
    func run() {
        do {
            while let frame = try receiveFrame() {
                guard try serve(frame) else { return }
            }
        } catch {
            logger.debug("control connection closed", metadata: ["reason": "\(error)"])
        }
    }

    /// The next frame, or `nil` when the connection is to end: the client closed it, idled, did
    /// not finish its call in time, or the daemon stops.
    private func receiveFrame() throws -> Data? {
        while true {
            if let frame = try nextFrame() {
                frameStarted = nil
                return frame
            }
            var timeout = idleTimeout
            if reader.hasPartialFrame {
                let started = frameStarted ?? .now
                frameStarted = started
                timeout = started + idleTimeout - .now
            }
            guard timeout > .zero else {
                logClosing("control client did not finish its call in time, closing")
                return nil
            }
            switch try socket.waitReadable(timeout: timeout, wakingOn: shutdown) {
            case .woken:
                return nil
            case .timedOut:
                guard reader.hasPartialFrame else {
                    logClosing("control client idle, closing")
                    return nil
                }
            case .readable:
                guard try readAvailable() else { return nil }
            }
        }
    }

    /// Reads what the client sent into ``reader``.
    /// - Returns: `false` when the client has closed its end.
    private func readAvailable() throws -> Bool {
        let count = try chunk.withUnsafeMutableBytes { try socket.read(into: $0) }
        guard count > 0 else { return false }
        chunk.withUnsafeBytes { reader.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        return true
    }

    private func logClosing(_ message: Logger.Message) {
        logger.info(
            message,
            metadata: ["peer_pid": "\(peer.credentials.pid)", "peer_uid": "\(peer.credentials.uid)"]
        )
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
            if !VarlinkCall.asksForNoReply(frame) {
                try send(VarlinkReply(error))
            }
            return true
        }
        let handler = self.handler
        let peer = self.peer
        if call.more && !call.oneway, let requests = handler as? RequestHandler, call.method == StatsMethod.name {
            return try stream(call, requests)
        }
        if call.more && !call.oneway, let replies = awaitFromThread({ await handler.replies(toMore: call, from: peer) })
        {
            for reply in replies { try send(reply) }
            return true
        }
        let reply = awaitFromThread { await handler.reply(to: call, from: peer) }
        if !call.oneway {
            try send(reply)
        }
        return true
    }

    /// Streams `Stats` replies (`continues: true`) every interval until the client disconnects,
    /// or until a reply is an error (an engine named in the call has gone), which ends the stream.
    ///
    /// As varlink has it, the connection is busy until the stream's last reply: what the client
    /// sends meanwhile is read and kept, unanswered, and served after it. More than
    /// ``ControlProtocol/maximumFrameSize`` of it is a `ProtocolError` and closes the connection.
    private func stream(_ call: VarlinkCall, _ handler: RequestHandler) throws -> Bool {
        handler.runtime.controlRequests.record(call.method, denied: false)
        let parameters: StatsMethod.Parameters
        do {
            parameters = try call.decodeParameters(StatsMethod.Parameters.self)
        } catch {
            try send(VarlinkReply(error))
            return true
        }
        // In range (checked above), so the conversion cannot trap.
        let interval = Duration.milliseconds(Int64(((parameters.interval ?? 1) * 1000).rounded()))
        while true {
            let reply = awaitFromThread { await handler.streamedStats(parameters) }
            try send(reply)
            if !reply.continues {
                return true
            }
            let next = ContinuousClock.now + interval
            while next > .now {
                switch try socket.waitReadable(timeout: next - .now, wakingOn: shutdown) {
                case .timedOut:
                    continue
                case .woken:
                    return false
                case .readable:
                    guard try readAvailable() else { return false }
                    if reader.bufferedByteCount > ControlProtocol.maximumFrameSize {
                        let limit = ControlProtocol.maximumFrameSize
                        try send(VarlinkReply(.protocolError(reason: "more than \(limit) bytes sent during a stream")))
                        discardInput()
                        return false
                    }
                }
            }
        }
    }

    /// Writes one reply; one larger than any client accepts is replaced by an `InternalError`.
    private func send(_ reply: VarlinkReply) throws {
        var frame = reply.frame()
        if frame.count > ControlProtocol.maximumReplySize {
            let reason = "the reply would be \(frame.count) bytes, more than \(ControlProtocol.maximumReplySize)"
            logger.error("control reply too large", metadata: ["reason": "\(reason)"])
            frame = VarlinkReply(.internalError(reason: reason)).frame()
        }
        try frame.withUnsafeBytes { try socket.writeAll($0, timeout: .seconds(10)) }
    }
}
