import Glibc

/// Runs a system call on a non-blocking descriptor.
///
/// Retries while the call fails with `EINTR`, returns `.wouldBlock` for `EAGAIN`/`EWOULDBLOCK`
/// and throws ``SystemError`` naming `operation` for anything else.
///
/// - Parameters:
///   - operation: the name of the call, used in the error.
///   - body: the call; it must return -1 and set `errno` on failure.
/// - Returns: the call's result, or `.wouldBlock`.
/// - Throws: ``SystemError`` for every other failure.
/// - Important: `EBADF` and `EFAULT` are programming errors (a closed descriptor, a bad pointer)
///   and stop the process instead of being thrown.
@inline(__always)
func nonBlockingCall<T: FixedWidthInteger>(
    _ operation: String,
    _ body: () -> T
) throws(SystemError) -> IOResult<T> {
    while true {
        let result = body()
        if result != -1 {
            return .processed(result)
        }
        let code = errno
        switch code {
        case EINTR:
            continue
        case EAGAIN, EWOULDBLOCK:
            return .wouldBlock
        default:
            preconditionIsNotProgrammingError(code, operation)
            throw SystemError(code: code, operation: operation)
        }
    }
}

/// Runs a system call that never reports would-block (`socket`, `bind`, `epoll_ctl`, …).
///
/// Retries while the call fails with `EINTR` and throws ``SystemError`` for anything else,
/// `EAGAIN` included.
///
/// - Parameters:
///   - operation: the name of the call, used in the error.
///   - body: the call; it must return -1 and set `errno` on failure.
/// - Returns: the call's result.
/// - Throws: ``SystemError``.
@inline(__always)
func systemCall<T: FixedWidthInteger>(
    _ operation: String,
    _ body: () -> T
) throws(SystemError) -> T {
    while true {
        let result = body()
        if result != -1 {
            return result
        }
        let code = errno
        if code == EINTR {
            continue
        }
        preconditionIsNotProgrammingError(code, operation)
        throw SystemError(code: code, operation: operation)
    }
}

/// Stops the process when `code` can only come from a bug in udplab, as SwiftNIO does.
private func preconditionIsNotProgrammingError(_ code: Int32, _ operation: String) {
    precondition(code != EBADF && code != EFAULT, "\(operation) failed with errno \(code): a bug in udplab")
}
