import UDPLabOS
import UDPLabProtocol

/// Backend `select`, after the seed's echo-select: select(2) over the socket and the stop waker.
///
/// The socket is in the write set only while the queue holds something: an idle UDP socket is
/// always writable and would make select(2) return at once, forever. So a lone datagram costs
/// two wakeups: one to read it, one to learn the socket is writable and send it.
public final class SelectEcho: EngineLoop {
    private let path: EchoPath
    private let control: LoopControl
    private let counters: EngineCounters
    private let budget: Int

    /// - Throws: ``EngineError/backendUnavailable(_:reason:)`` when the socket's or the waker's
    ///   descriptor is beyond what select(2) can watch (the process holds over 1024 descriptors,
    ///   e.g. beside a large multisocket engine): the engine does not start, nothing else changes.
    public init(path: EchoPath, control: LoopControl, counters: EngineCounters, budget: Int) throws(EngineError) {
        if let reason = Select.unwatchableReason(path.socket.descriptor)
            ?? Select.unwatchableReason(control.waker.eventFD.descriptor)
        {
            throw .backendUnavailable(.select, reason: reason)
        }
        self.path = path
        self.control = control
        self.counters = counters
        self.budget = budget
    }

    public func run() throws(SystemError) {
        var readSet = Select.DescriptorSet()
        var writeSet = Select.DescriptorSet()
        var wantsWrite = false
        while true {
            readSet.removeAll()
            writeSet.removeAll()
            readSet.insert(path.socket.descriptor)
            readSet.insert(control.waker.eventFD.descriptor)
            if !path.isQueueEmpty {
                writeSet.insert(path.socket.descriptor)
            }
            if wantsWrite == path.isQueueEmpty {
                wantsWrite.toggle()
                counters.interestChanges.increment()
            }

            counters.willWait(blocks: true)
            let readyCount = try Select.wait(read: &readSet, write: &writeSet, timeout: nil)
            counters.didWait(readyCount: readyCount)

            if readSet.contains(control.waker.eventFD.descriptor) {
                if control.consumeWake(counting: counters) { return }
            }
            if readSet.contains(path.socket.descriptor) {
                _ = path.receive(budget: budget)
            }
            if writeSet.contains(path.socket.descriptor) && !path.isQueueEmpty {
                _ = path.send()
            }
        }
    }
}
