import Synchronization
import UDPLabOS
import UDPLabProtocol

/// The counters of one engine (`DESIGN.md` §3): what each datagram cost, as the loop saw it.
///
/// The loop thread writes them with ``Counter/increment(by:)``; any thread reads a ``snapshot()``.
public final class EngineCounters: Sendable {
    /// Datagrams received.
    public let rxDatagrams = Counter()
    /// Payload bytes received (what fit in the buffer).
    public let rxBytes = Counter()
    /// Datagrams sent.
    public let txDatagrams = Counter()
    /// Payload bytes sent.
    public let txBytes = Counter()
    /// Datagrams received but discarded because the outgoing queue was full.
    public let dropped = Counter()
    /// Datagrams received that `--reply` answers with nothing (`sockperf`: no PONG_REQUEST, a
    /// warm-up, not one whole client message); neither sent nor dropped.
    public let unanswered = Counter()
    /// Datagrams longer than the receive buffer (their tail was lost).
    public let truncated = Counter()
    /// Receives that found nothing queued.
    public let recvWouldBlock = Counter()
    /// Sends that found the socket's buffer full.
    public let sendWouldBlock = Counter()
    /// Receive or send errors other than would-block (the datagram was skipped).
    public let errors = Counter()
    /// Returns from the readiness wait (select, poll, epoll_wait).
    public let wakeups = Counter()
    /// Returns from the readiness wait with nothing to do.
    public let emptyWakeups = Counter()
    /// Readiness events delivered.
    public let events = Counter()
    /// Changes of registered interest (epoll_ctl MOD, or a select/poll write set switched on or off).
    public let interestChanges = Counter()
    /// System calls the engine's loop issued.
    public let syscalls = Counter()
    /// Writes to a waker (eventfd) made to wake the loop.
    public let wakerWrites = Counter()
    /// The most datagrams that ever waited in the outgoing queue.
    public let queueHighWater = Counter()
    /// Polls of a task's top-level future by the executor.
    public let taskPolls = Counter()
    /// Polls of the futures that do the work (each socket's future, the echo future, …).
    public let futurePolls = Counter()
    /// User-space timer events delivered (the mixed kind).
    public let timerEvents = Counter()
    /// Coalesced buffers received (backend gso): buffers whose `UDP_GRO` control message gives
    /// a segment size smaller than the buffer, i.e. that held more than one datagram.
    public let groBuffers = Counter()
    /// Sends carrying a `UDP_SEGMENT` control message that the kernel took (backend gso).
    public let gsoSends = Counter()
    /// Trains of more than one datagram sent datagram by datagram because the kernel refused
    /// `UDP_SEGMENT` (`EIO`, `EINVAL`): the refused one and every one after it (backend gso).
    public let gsoFallbacks = Counter()
    /// Datagrams received but not echoed by a guard (`--deny-source-ports`): neither sent,
    /// dropped nor unanswered.
    public let policyDrops = Counter()
    /// Of those, the ones over their source prefix's `--rate-limit` or the engine's
    /// `--rate-limit-total`.
    public let rateLimited = Counter()
    /// Echoes sent with `IP_PKTINFO`/`IPV6_PKTINFO` from the address their request reached.
    public let pktinfoReplies = Counter()
    /// Echoes sent with their request's traffic class (`--reflect-tos`).
    public let tosReflected = Counter()
    /// Relay: datagrams from consumers that were neither `1` nor `0`.
    public let consumerIgnored = Counter()
    /// Relay: registrations refused at `--max-consumers`.
    public let consumersRefused = Counter()
    /// Relay: consumers forgotten after `--consumer-timeout`.
    public let consumersExpired = Counter()

    /// Bumped once per loop iteration, idle waits included: proof the loop is alive.
    public let heartbeats = Counter()
    private let waiting = Atomic<Bool>(false)

    /// Creates zeroed counters.
    public init() {}

    /// `true` while the loop is (about to be) blocked waiting for readiness.
    public var isWaiting: Bool { waiting.load(ordering: .acquiring) }

    /// Marks the loop as entering (`true`) or leaving (`false`) its readiness wait.
    @inline(__always)
    func setWaiting(_ isWaiting: Bool) {
        waiting.store(isWaiting, ordering: .releasing)
    }

    /// Counts the start of a readiness wait (one syscall, one heartbeat). `blocks` is `false`
    /// for a zero-timeout look, which is not reported as waiting.
    @inline(__always)
    func willWait(blocks: Bool) {
        heartbeats.increment()
        syscalls.increment()
        setWaiting(blocks)
    }

    /// Counts the return of a readiness wait that reported `readyCount` events.
    @inline(__always)
    func didWait(readyCount: Int) {
        setWaiting(false)
        wakeups.increment()
        events.increment(by: UInt64(readyCount))
        if readyCount == 0 {
            emptyWakeups.increment()
        }
    }

    /// Reads every counter (each one atomically; the set as a whole is not a single instant).
    public func snapshot() -> CounterSnapshot {
        CounterSnapshot(
            rxDatagrams: rxDatagrams.value,
            rxBytes: rxBytes.value,
            txDatagrams: txDatagrams.value,
            txBytes: txBytes.value,
            dropped: dropped.value,
            unanswered: unanswered.value,
            truncated: truncated.value,
            recvWouldBlock: recvWouldBlock.value,
            sendWouldBlock: sendWouldBlock.value,
            errors: errors.value,
            wakeups: wakeups.value,
            emptyWakeups: emptyWakeups.value,
            events: events.value,
            interestChanges: interestChanges.value,
            syscalls: syscalls.value,
            wakerWrites: wakerWrites.value,
            queueHighWater: queueHighWater.value,
            taskPolls: taskPolls.value,
            futurePolls: futurePolls.value,
            timerEvents: timerEvents.value,
            groBuffers: groBuffers.value,
            gsoSends: gsoSends.value,
            gsoFallbacks: gsoFallbacks.value,
            policyDrops: policyDrops.value,
            rateLimited: rateLimited.value,
            pktinfoReplies: pktinfoReplies.value,
            tosReflected: tosReflected.value,
            consumerIgnored: consumerIgnored.value,
            consumersRefused: consumersRefused.value,
            consumersExpired: consumersExpired.value
        )
    }

    /// Counts a datagram received: `byteCount` bytes kept, truncated when it was longer on the
    /// wire. Every receive path counts through this, the batched and io_uring ones too.
    @inline(__always)
    public func countReceived(byteCount: Int, isTruncated: Bool) {
        rxDatagrams.increment()
        rxBytes.increment(by: UInt64(byteCount))
        if isTruncated { truncated.increment() }
    }

    /// Counts an echo just sent with `packetInfo`: from its request's address, with its
    /// request's traffic class, or neither (the fast path: two compares).
    @inline(__always)
    public func countPacketInfo(_ packetInfo: PacketInfo) {
        if packetInfo.hasDestination { pktinfoReplies.increment() }
        if packetInfo.trafficClass != nil { tosReflected.increment() }
    }
}
