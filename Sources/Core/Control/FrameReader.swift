import Foundation

/// Splits a byte stream into NUL-terminated varlink frames, refusing any larger than the limit.
public struct FrameReader: Sendable {
    private var buffer = Data()
    /// The largest frame accepted, NUL included.
    public let limit: Int

    /// A reader with an empty buffer.
    public init(limit: Int = ControlProtocol.maximumFrameSize) {
        self.limit = limit
    }

    /// Why the stream cannot be framed.
    public enum Failure: Error, Equatable {
        /// More than ``FrameReader/limit`` bytes arrived without a NUL.
        case oversized
    }

    /// `true` when bytes of an unfinished frame are buffered.
    public var hasPartialFrame: Bool { !buffer.isEmpty }

    /// Adds bytes read from the socket.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    /// Takes the next complete frame (without its NUL), if one has arrived.
    /// - Throws: ``Failure/oversized`` when the unfinished frame already exceeds the limit.
    public mutating func nextFrame() throws(Failure) -> Data? {
        guard let end = buffer.firstIndex(of: 0) else {
            if buffer.count >= limit { throw .oversized }
            return nil
        }
        if end - buffer.startIndex >= limit { throw .oversized }
        let frame = Data(buffer[buffer.startIndex..<end])
        buffer.removeSubrange(buffer.startIndex...end)
        return frame
    }
}
