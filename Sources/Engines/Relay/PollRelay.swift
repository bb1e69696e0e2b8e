import UDPLabOS

/// A relay on poll(2) (backend `poll`): ``SelectRelay``'s loop with one array kept between
/// calls; `POLLOUT` on the consumer socket only while a consumer is owed a datagram.
public final class PollRelay: EngineLoop {
    private let path: RelayPath
    private let control: LoopControl
    private let counters: EngineCounters
    private let budget: Int

    public init(path: RelayPath, control: LoopControl, counters: EngineCounters, budget: Int) {
        self.path = path
        self.control = control
        self.counters = counters
        self.budget = budget
    }

    public func run() throws(SystemError) {
        var pollSet = PollSet()
        let producerIndex = pollSet.append(path.producerSocket.descriptor, events: .readable)
        let consumerIndex = pollSet.append(path.consumerSocket.descriptor, events: .readable)
        let wakerIndex = pollSet.append(control.waker.eventFD.descriptor, events: .readable)
        var wantsWrite = false
        while true {
            if wantsWrite != path.hasPending {
                wantsWrite.toggle()
                counters.interestChanges.increment()
                pollSet.setEvents(wantsWrite ? [.readable, .writable] : .readable, at: consumerIndex)
            }

            let expiry = path.expire()
            counters.willWait(blocks: true)
            let readyCount = try pollSet.wait(timeout: expiry)
            counters.didWait(readyCount: readyCount)

            if pollSet.returnedEvents(at: wakerIndex).contains(.readable) {
                if control.consumeWake(counting: counters) { return }
            }
            if !pollSet.returnedEvents(at: producerIndex).isDisjoint(with: [.readable, .error, .hangup]) {
                _ = path.receiveProduced(budget: budget)
            }
            let events = pollSet.returnedEvents(at: consumerIndex)
            if !events.isDisjoint(with: [.readable, .error, .hangup]) {
                _ = path.receiveFromConsumers(budget: budget)
            }
            if events.contains(.writable) {
                _ = path.sendOwed()
            }
        }
    }
}
