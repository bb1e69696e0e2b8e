/// The outcome of an operation on a non-blocking descriptor.
///
/// "Not ready" is a value, not an error: a loop that sees `.wouldBlock` waits for readiness
/// and tries again. Failures are thrown as ``SystemError``.
public enum IOResult<Value> {
    /// The operation completed and produced `Value`.
    case processed(Value)
    /// The operation would have had to block (`EAGAIN`/`EWOULDBLOCK`); nothing happened.
    case wouldBlock
}

extension IOResult: Equatable where Value: Equatable {}
extension IOResult: Sendable where Value: Sendable {}
