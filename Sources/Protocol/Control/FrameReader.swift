import FoundationEssentials

/// Splits a byte stream into NUL-terminated varlink frames, refusing any larger than the limit.
///
/// Each byte is scanned for the NUL once, however many reads a large frame takes.
public struct FrameReader: Sendable {
    private var buffer: [UInt8] = []
    /// Where the unfinished frame begins in ``buffer``.
    private var start = 0
    /// How many bytes from ``start`` are known to hold no NUL.
    private var scanned = 0
    /// The largest frame accepted, NUL included.
    public let limit: Int

    /// A reader with an empty buffer.
    /// - Parameter limit: the largest frame: ``ControlProtocol/maximumFrameSize`` for calls (the
    ///   daemon's side), ``ControlProtocol/maximumReplySize`` for replies (a client's).
    public init(limit: Int = ControlProtocol.maximumFrameSize) {
        self.limit = limit
    }

    /// Why the stream cannot be framed.
    public enum Failure: Error, Equatable {
        /// More than ``FrameReader/limit`` bytes arrived without a NUL.
        case oversized
    }

    /// `true` when bytes of an unfinished frame are buffered.
    public var hasPartialFrame: Bool { start < buffer.count }

    /// The bytes buffered and not yet taken as frames.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Adds bytes read from the socket.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Takes the next complete frame (without its NUL), if one has arrived.
    /// - Throws: ``Failure/oversized`` when the unfinished frame already exceeds the limit.
    public mutating func nextFrame() throws(Failure) -> Data? {
        guard let end = buffer[(start + scanned)...].firstIndex(of: 0) else {
            scanned = buffer.count - start
            if scanned >= limit { throw .oversized }
            return nil
        }
        if end - start >= limit { throw .oversized }
        let frame = Data(buffer[start..<end])
        start = end + 1
        scanned = 0
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start >= limit {
            // Drop consumed frames so a long pipeline does not grow the buffer.
            buffer.removeFirst(start)
            start = 0
        }
        return frame
    }
}
