import UDPLabOS
import UDPLabProtocol

/// A relay on select(2) (backend `select`), as echo-select's loop would serve two sockets: both
/// sets rebuilt every turn, each readable socket served up to `--budget` datagrams, and the
/// consumer socket watched for writing only while a consumer is owed a datagram.
public final class SelectRelay: EngineLoop {
    private let path: RelayPath
    private let control: LoopControl
    private let counters: EngineCounters
    private let budget: Int

    /// - Throws: ``EngineError/backendUnavailable(_:reason:)`` when a descriptor is past
    ///   select's `FD_SETSIZE`.
    public init(path: RelayPath, control: LoopControl, counters: EngineCounters, budget: Int) throws(EngineError) {
        if let reason = Select.unwatchableReason(path.producerSocket.descriptor)
            ?? Select.unwatchableReason(path.consumerSocket.descriptor)
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
            readSet.insert(path.producerSocket.descriptor)
            readSet.insert(path.consumerSocket.descriptor)
            readSet.insert(control.waker.eventFD.descriptor)
            if path.hasPending {
                writeSet.insert(path.consumerSocket.descriptor)
            }
            if wantsWrite != path.hasPending {
                wantsWrite.toggle()
                counters.interestChanges.increment()
            }

            let expiry = path.expire()
            counters.willWait(blocks: true)
            let readyCount = try Select.wait(read: &readSet, write: &writeSet, timeout: expiry)
            counters.didWait(readyCount: readyCount)

            if readSet.contains(control.waker.eventFD.descriptor) {
                if control.consumeWake(counting: counters) { return }
            }
            if readSet.contains(path.producerSocket.descriptor) {
                _ = path.receiveProduced(budget: budget)
            }
            if readSet.contains(path.consumerSocket.descriptor) {
                _ = path.receiveFromConsumers(budget: budget)
            }
            if writeSet.contains(path.consumerSocket.descriptor) {
                _ = path.sendOwed()
            }
        }
    }
}
