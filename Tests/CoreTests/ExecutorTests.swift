import Synchronization
import Testing

@testable import UDPLabEngineKit
@testable import UDPLabOS

/// Task notification becomes user-space readiness in the reactor, and costs a syscall only when
/// the reactor is blocked in the kernel.
@Suite("Executor")
struct ExecutorTests {
    /// A future that counts its polls, is ready after `limit`, and can notify itself when polled.
    final class Counting: TaskFuture {
        var polls = 0
        var notifier: Notifier?
        let limit: Int
        let notifiesItself: Bool

        init(limit: Int, notifiesItself: Bool = false) {
            self.limit = limit
            self.notifiesItself = notifiesItself
        }

        func poll(_ context: TaskContext) -> PollResult {
            polls += 1
            notifier = context.notifier
            guard polls < limit else { return .ready }
            if notifiesItself { context.notifier.notify() }
            return .pending
        }
    }

    /// Counts notifications from any thread.
    final class NotificationCount: Sendable {
        private let count = Atomic<Int>(0)
        var value: Int { count.load(ordering: .relaxed) }
        var notifier: Notifier { Notifier { self.count.add(1, ordering: .relaxed) } }
    }

    private func makeExecutor(_ counters: EngineCounters) throws -> ReactorExecutor {
        try ReactorExecutor(counters: counters, control: LoopControl(waker: try Waker()))
    }

    @Test("A notification from the polling thread while it is not blocked writes nothing (mio #785)")
    func notifyFromPollingThread() throws {
        let counters = EngineCounters()
        let executor = try makeExecutor(counters)
        let future = Counting(limit: 3, notifiesItself: true)
        let task = executor.spawn(future)
        #expect(try executor.run(completing: task))
        #expect(future.polls == 3)
        #expect(counters.taskPolls.value == 3)
        #expect(counters.wakerWrites.value == 0)
    }

    @Test("A notification from another thread while the reactor is blocked writes exactly once")
    func notifyFromAnotherThread() throws {
        let counters = EngineCounters()
        let executor = try makeExecutor(counters)
        let future = Counting(limit: 2)
        let task = executor.spawn(future)
        #expect(try executor.turn(completing: task) == .continuing)
        let notifier = try #require(future.notifier)
        let thread = try OSThread.spawn(name: "test-notify") {
            try? waitUntil("the reactor blocks") { counters.isWaiting }
            notifier.notify()
        }
        defer { thread.join() }
        #expect(try executor.run(completing: task))
        #expect(future.polls == 2)
        #expect(counters.wakerWrites.value == 1)
    }

    @Test("JoinAll polls every pending child each time; FuturesUnordered only the woken one")
    func combinators() {
        let children = (0..<4).map { _ in Counting(limit: 100) }
        let join = JoinAll(children)
        let context = TaskContext(notifier: Notifier {})
        _ = join.poll(context)
        _ = join.poll(context)
        #expect(children.map(\.polls) == [2, 2, 2, 2])

        let parent = NotificationCount()
        let set = FuturesUnordered()
        let members = (0..<4).map { _ in Counting(limit: 100) }
        for member in members { set.push(member) }
        #expect(set.poll(TaskContext(notifier: parent.notifier)) == .pending)
        #expect(members.map(\.polls) == [1, 1, 1, 1], "each child is polled once at first")
        members[2].notifier?.notify()
        #expect(parent.value == 1, "a child's notification notifies the set's task")
        _ = set.poll(TaskContext(notifier: parent.notifier))
        #expect(members.map(\.polls) == [1, 1, 2, 1], "only the woken child is polled")
    }

    @Test("A bounded channel refuses when full and notifies each side when the other moves")
    func channelBackpressure() {
        let channel = Channel<Int>(capacity: 2)
        let sender = NotificationCount()
        let receiver = NotificationCount()
        #expect(channel.receive(TaskContext(notifier: receiver.notifier)) == nil)
        #expect(channel.send(1, TaskContext(notifier: sender.notifier)) == nil)
        #expect(receiver.value == 1, "the waiting receiver is notified")
        #expect(channel.send(2, TaskContext(notifier: sender.notifier)) == nil)
        #expect(channel.send(3, TaskContext(notifier: sender.notifier)) == 3, "full: the value comes back")
        #expect(sender.value == 0)
        #expect(channel.receive(TaskContext(notifier: receiver.notifier)) == 1)
        #expect(sender.value == 1, "the refused sender is notified once there is room")
        #expect(channel.count == 1)
    }
}
