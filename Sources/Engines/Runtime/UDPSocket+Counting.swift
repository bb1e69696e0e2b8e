import UDPLabOS

extension UDPSocket {
    /// Receives one datagram into `buffer` and counts the attempt: one syscall, then a datagram
    /// (with its bytes and any truncation), a would-block, or an error.
    ///
    /// - Returns: the datagram; `nil` after an error (counted, and the error passed to
    ///   `onError`); or `.wouldBlock`.
    func receive(
        into buffer: UnsafeMutableRawBufferPointer,
        counting counters: EngineCounters,
        onError: (SystemError) -> Void
    ) -> IOResult<ReceivedDatagram?> {
        counters.syscalls.increment()
        do {
            guard case .processed(let datagram) = try receive(into: buffer) else {
                counters.recvWouldBlock.increment()
                return .wouldBlock
            }
            counters.countReceived(byteCount: datagram.byteCount, isTruncated: datagram.isTruncated)
            return .processed(datagram)
        } catch {
            counters.errors.increment()
            onError(error)
            return .processed(nil)
        }
    }
}
