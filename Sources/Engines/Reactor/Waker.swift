import UDPLabOS

/// Wakes a thread blocked in a selector, from any thread (mio's `Waker`), over an eventfd.
///
/// Register it with a ``Registry`` under a token of your choice (or add it to a select/poll set);
/// when its event arrives, call ``reset()`` and look at whatever the waker was woken for.
public final class Waker: Sendable {
    let eventFD: EventFD

    /// Creates a waker.
    /// - Throws: ``SystemError`` from eventfd(2).
    public init() throws(SystemError) {
        eventFD = try EventFD()
    }

    /// Makes the waker's descriptor readable. Safe from any thread; costs one write(2).
    public func wake() {
        // Fails only when the counter is saturated (already readable) or on a bug (EBADF): in
        // both cases there is nothing better to do than carry on.
        _ = try? eventFD.signal()
    }

    /// Clears the waker after its event, so a level-triggered selector stops reporting it.
    ///
    /// - Returns: `true` when it had been woken. Costs one read(2).
    @discardableResult
    public func reset() -> Bool {
        guard case .processed = (try? eventFD.drain()) ?? .wouldBlock else { return false }
        return true
    }
}
