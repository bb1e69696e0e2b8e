import UDPLabOS

extension UnixStreamSocket {
    /// Waits until the socket can be read or `waker` is woken, at most `timeout`: the control
    /// server's threads wait on a connection and on the daemon's shutdown waker at once.
    ///
    /// The corresponding C call is `poll(2)` on the socket and the waker's eventfd.
    public func waitReadable(timeout: Duration?, wakingOn waker: Waker) throws(SystemError) -> WaitOutcome {
        try waitReadable(timeout: timeout, wakingOn: waker.eventFD)
    }
}
