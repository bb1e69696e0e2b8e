import FoundationEssentials
import UDPLabOS
import UDPLabProtocol

/// A varlink connection to udplabd: send a call, read its reply or its stream of replies.
///
/// The connection is the control socket, or with `-H` one end of a socket pair whose other end
/// is the stdin and stdout of `ssh HOST udplabctl bridge` (``SSHTunnel``): the same frames either
/// way. One call at a time, as varlink wants without pipelining. Every wait before the first reply
/// ends at one deadline, ``timeout`` after the connection was opened, so a daemon that hangs
/// cannot hang the client; the replies that follow in a stream wait as long as it takes.
struct ControlClient: ~Copyable {
    /// Where the daemon is, for messages: the control socket's path, or `ssh://HOST` for `-H`.
    let endpoint: String
    /// How long connecting and the first reply may take.
    let timeout: DurationArgument
    private let socket: UnixStreamSocket
    /// With `-H`: the ssh that carries the connection (`socket` is its stdin and stdout).
    private let tunnel: SSHTunnel?
    private let deadline: ContinuousClock.Instant
    /// Replies may be as large as the daemon's limits make them (``ControlProtocol/maximumReplySize``).
    private var reader = FrameReader(limit: ControlProtocol.maximumReplySize)

    /// Connects to the daemon at `socketPath`.
    ///
    /// - Note: A blocking `connect(2)` to a Unix socket returns at once unless the daemon's
    ///   backlog is full; the deadline covers everything after it.
    /// - Throws: ``ClientError/unreachable(socket:cause:)``.
    init(socketPath: String, timeout: DurationArgument) throws(ClientError) {
        endpoint = socketPath
        self.timeout = timeout
        deadline = .now + timeout.duration
        tunnel = nil
        do {
            socket = try UnixStreamSocket.connect(path: socketPath)
        } catch {
            throw .unreachable(socket: socketPath, cause: error)
        }
    }

    /// Reaches the daemon on `host` through ssh and the remote `udplabctl bridge` (``SSHTunnel``).
    ///
    /// Nothing waits here: ssh connects while the first call is already on its way, so the
    /// deadline covers ssh's connection and login too.
    /// - Parameter socket: the remote control socket, when `--socket` names one.
    /// - Throws: ``ClientError/sshFailed(host:reason:)`` when ssh cannot be started.
    init(remote host: RemoteHost, socket: String?, timeout: DurationArgument) throws(ClientError) {
        endpoint = "ssh://" + host.text
        self.timeout = timeout
        deadline = .now + timeout.duration
        let pair: UnixStreamSocket.Pair
        do {
            pair = try UnixStreamSocket.pair()
        } catch {
            throw .sshFailed(host: host.text, reason: "cannot make its socket pair: \(error.reason)")
        }
        tunnel = try SSHTunnel(host: host, socket: socket, standardIO: pair.remote)
        self.socket = pair.closingRemote()
    }

    /// Calls `method` and waits for its one reply.
    ///
    /// - Parameters:
    ///   - method: the fully qualified method, e.g. `io.udplab.List`.
    ///   - parameters: the call's parameters.
    ///   - type: what the reply's parameters decode to.
    /// - Throws: ``ClientError``; an error reply is ``ClientError/daemon(_:)``.
    mutating func call<Parameters: Encodable, Value: Decodable>(
        _ method: String,
        _ parameters: Parameters,
        as type: Value.Type = Value.self
    ) throws(ClientError) -> ClientReply<Value> {
        do {
            try send(method, parameters, more: false)
            return try Self.decode(try receive(until: deadline), of: method)
        } catch {
            throw tunnel?.explain(error) ?? error
        }
    }

    /// Calls `method` with `more` and hands each reply to `body` until the daemon ends the stream.
    ///
    /// - Parameters:
    ///   - method: the fully qualified method, e.g. `io.udplab.Stats`.
    ///   - parameters: the call's parameters.
    ///   - type: what each reply's parameters decode to.
    ///   - body: called once per reply, in order.
    /// - Throws: ``ClientError``: the timeout applies to the first reply only.
    mutating func stream<Parameters: Encodable, Value: Decodable>(
        _ method: String,
        _ parameters: Parameters,
        as type: Value.Type = Value.self,
        each body: (ClientReply<Value>) -> Void
    ) throws(ClientError) {
        do {
            try send(method, parameters, more: true)
            var limit: ContinuousClock.Instant? = deadline
            while true {
                let reply = try receive(until: limit)
                body(try Self.decode(reply, of: method))
                guard reply.continues else { return }
                limit = nil
            }
        } catch {
            throw tunnel?.explain(error) ?? error
        }
    }

    // MARK: - Frames

    /// Writes one call frame.
    /// - Throws: ``ClientError/timedOut(socket:after:)`` when the daemon reads nothing until the
    ///   deadline, ``ClientError/disconnected(socket:cause:)`` when it went away.
    private func send<Parameters: Encodable>(
        _ method: String,
        _ parameters: Parameters,
        more: Bool
    ) throws(ClientError) {
        let frame: Data
        do {
            frame = try VarlinkCall(method: method, parameters: parameters, more: more).frame()
        } catch {
            throw .daemon(.protocolError(reason: "cannot encode the call of \(method): \(error)"))
        }
        let written = frame.withUnsafeBytes { bytes in
            Result { () throws(SystemError) in try socket.writeAll(bytes, timeout: max(deadline - .now, .zero)) }
        }
        do {
            try written.get()
        } catch {
            guard error.code != Errno.timedOut else {
                throw .timedOut(socket: endpoint, after: timeout)
            }
            throw .disconnected(socket: endpoint, cause: error)
        }
    }

    /// Reads until one whole reply frame has arrived.
    /// - Parameter limit: when to give up; `nil` waits as long as the connection stays open.
    /// - Throws: ``ClientError``: timed out, disconnected, or a frame that is not a reply.
    private mutating func receive(until limit: ContinuousClock.Instant?) throws(ClientError) -> VarlinkReply {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if let frame = try nextFrame() {
                do {
                    return try VarlinkReply(frame: frame)
                } catch {
                    throw .daemon(error)
                }
            }
            try waitReadable(until: limit)
            let read = chunk.withUnsafeMutableBytes { buffer in
                Result { () throws(SystemError) in try socket.read(into: buffer) }
            }
            let count: Int
            do {
                count = try read.get()
            } catch {
                throw .disconnected(socket: endpoint, cause: error)
            }
            guard count > 0 else { throw .disconnected(socket: endpoint, cause: nil) }
            chunk.withUnsafeBytes { reader.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
    }

    /// Waits until the socket has something to read.
    /// - Parameter limit: when to give up; `nil` waits as long as it takes.
    /// - Throws: ``ClientError/timedOut(socket:after:)``, or ``ClientError/disconnected(socket:cause:)``
    ///   when waiting itself fails.
    private func waitReadable(until limit: ContinuousClock.Instant?) throws(ClientError) {
        guard let limit else { return }
        let remaining = limit - .now
        var isReadable = false
        do {
            if remaining > .zero { isReadable = try socket.waitReadable(timeout: remaining) }
        } catch {
            throw .disconnected(socket: endpoint, cause: error)
        }
        guard isReadable else { throw .timedOut(socket: endpoint, after: timeout) }
    }

    /// The next buffered frame, if a whole one has arrived.
    /// - Throws: ``ClientError/daemon(_:)`` with a protocol error for a frame over the size limit.
    private mutating func nextFrame() throws(ClientError) -> Data? {
        do {
            return try reader.nextFrame()
        } catch {
            throw .daemon(.protocolError(reason: "a reply is larger than \(reader.limit) bytes"))
        }
    }

    /// Turns a reply into its decoded value, or into the error it carries.
    /// - Throws: ``ClientError/daemon(_:)``: the daemon's error, or a protocol error when the
    ///   parameters do not have the shape `method` replies with.
    private static func decode<Value: Decodable>(
        _ reply: VarlinkReply,
        of method: String
    ) throws(ClientError) -> ClientReply<Value> {
        if let name = reply.error {
            let parameters = (try? reply.decodeParameters([String: ParameterValue].self)) ?? [:]
            throw .daemon(ControlError(name: name, parameters: parameters))
        }
        do {
            return ClientReply(value: try reply.decodeParameters(Value.self), parameters: reply.parameters)
        } catch {
            throw .daemon(.protocolError(reason: "unexpected reply to \(method): \(Self.explain(error))"))
        }
    }

    /// A short account of a decoding failure: which field, and what was wrong with it.
    private static func explain(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            return keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field '\(path(context, key))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "wrong type of '\(path(context))'"
        case .dataCorrupted(let context): return "malformed '\(path(context))'"
        @unknown default: return "\(error)"
        }
    }
}
