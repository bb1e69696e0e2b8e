import UDPLabOS

/// Backend `poll`: echo-select's loop on poll(2), which has no 1024-descriptor limit and keeps
/// its array between calls instead of rebuilding bit sets.
///
/// As with select, `POLLOUT` is asked for only while the queue holds something.
public final class PollEcho: EngineLoop {
    private let path: EchoPath
    private let control: LoopControl
    private let counters: EngineCounters
    private let budget: Int

    public init(path: EchoPath, control: LoopControl, counters: EngineCounters, budget: Int) {
        self.path = path
        self.control = control
        self.counters = counters
        self.budget = budget
    }

    public func run() throws(SystemError) {
        var pollSet = PollSet()
        let socketIndex = pollSet.append(path.socket.descriptor, events: .readable)
        let wakerIndex = pollSet.append(control.waker.eventFD.descriptor, events: .readable)
        var wantsWrite = false
        while true {
            if wantsWrite == path.isQueueEmpty {
                wantsWrite.toggle()
                counters.interestChanges.increment()
                pollSet.setEvents(wantsWrite ? [.readable, .writable] : .readable, at: socketIndex)
            }

            counters.willWait(blocks: true)
            let readyCount = try pollSet.wait(timeout: nil)
            counters.didWait(readyCount: readyCount)

            if pollSet.returnedEvents(at: wakerIndex).contains(.readable) {
                if control.consumeWake(counting: counters) { return }
            }
            let events = pollSet.returnedEvents(at: socketIndex)
            if !events.isDisjoint(with: [.readable, .error, .hangup]) {
                _ = path.receive(budget: budget)
            }
            if events.contains(.writable) && !path.isQueueEmpty {
                _ = path.send()
            }
        }
    }
}
