import Synchronization
import UDPLabEngineKit
import UDPLabOS
import UDPLabProtocol

/// One running engine: bound sockets and event loops, each on its own thread — one loop, or one
/// per `--threads` lane, each with its own `SO_REUSEPORT` socket on the engine's address.
///
/// ``start(_:trace:sendGate:onExit:beforeLoop:)`` binds and sets everything up on the caller's
/// thread, so a busy address or a bad option is reported there, as a typed ``EngineError``.
/// ``stop()`` wakes every loop through its waker and returns once their threads have ended and
/// the sockets are closed. Counters and the residence histogram can be read from any thread at
/// any time; an engine with lanes reports their sum, and each lane's share in ``laneShares``.
public final class Engine: Sendable {
    /// One loop of the engine, with what it alone writes.
    final class Lane: Sendable {
        let control: LoopControl
        let counters: EngineCounters
        let residence: ResidenceHistogram
        let kernelDrops: KernelDropGauge
        let thread = Mutex<OSThread?>(nil)

        init(
            control: LoopControl,
            counters: EngineCounters,
            residence: ResidenceHistogram,
            kernelDrops: KernelDropGauge
        ) {
            self.control = control
            self.counters = counters
            self.residence = residence
            self.kernelDrops = kernelDrops
        }
    }

    /// What was started.
    public let spec: EngineSpec
    /// Where the (first) socket is bound, with the kernel's port if the spec asked for port 0;
    /// the spec's address for kinds without sockets.
    public let localAddress: SocketAddress
    /// Datagrams received per socket (one entry per socket; several for multisocket).
    public let sockets: SocketCounters
    /// A relay engine's registered consumers; `nil` for other kinds.
    public let relayConsumers: RelayConsumers?
    /// When the engine started, in microseconds since the Unix epoch.
    public let startedMicroseconds: UInt64

    private let lanes: [Lane]
    private let status = Mutex<(state: EngineState, failure: String?, running: Int, isAbandoned: Bool)>(
        (.starting, nil, 0, false)
    )

    private init(spec: EngineSpec, sockets: SocketCounters, relayConsumers: RelayConsumers?, lanes: [Lane]) {
        self.spec = spec
        self.sockets = sockets
        self.relayConsumers = relayConsumers
        self.lanes = lanes
        self.localAddress = sockets.addresses.first ?? spec.bind
        self.startedMicroseconds = MonotonicClock.realtimeMicroseconds()
    }

    /// The first loop's counters: the engine's own, unless it has lanes (``counterSnapshot()``
    /// sums them).
    public var counters: EngineCounters { lanes[0].counters }

    /// Whether every loop waits for readiness (between datagrams): where a measurement of one
    /// datagram's cost may start and end.
    public var isWaiting: Bool { lanes.allSatisfy { $0.counters.isWaiting } }

    /// The first loop's receive-to-send times: the engine's own, unless it has lanes
    /// (``residenceSummary()`` merges them).
    public var residence: ResidenceHistogram { lanes[0].residence }

    /// Validates `spec`, binds its sockets, builds its loops and starts their threads.
    ///
    /// - Parameters:
    ///   - spec: what to start.
    ///   - trace: where `--trace` lines go (used only when `spec.trace` is set).
    ///   - sendGate: a test seam that makes sends report would-block; see ``SendGate``.
    ///   - onExit: called once the engine has ended (every loop stopped, or one failed and the
    ///     others were stopped), on the thread of the loop that ended last.
    ///   - beforeLoop: a test seam, run on each loop's thread before its loop starts, so a test
    ///     can queue datagrams the loop will find at its first look.
    /// - Returns: the running engine.
    /// - Throws: ``EngineError``; nothing is left open when it throws.
    public static func start(
        _ spec: EngineSpec,
        trace: TraceSink? = nil,
        sendGate: SendGate? = nil,
        onExit: (@Sendable (Engine) -> Void)? = nil,
        beforeLoop: (@Sendable () -> Void)? = nil
    ) throws(EngineError) -> Engine {
        try spec.validate()
        var lanes: [Lane] = []
        var loops: [any EngineLoop] = []
        var addresses: [SocketAddress] = []
        var multisocketCounters: SocketCounters?
        var relayConsumers: RelayConsumers?
        for index in 0..<spec.laneCount {
            let lane: Lane
            do {
                lane = Lane(
                    control: LoopControl(waker: try Waker()),
                    counters: EngineCounters(),
                    residence: ResidenceHistogram(),
                    kernelDrops: KernelDropGauge()
                )
            } catch {
                throw .system(error)
            }
            // Lanes after the first join the first's port (the kernel's, for port 0).
            let product = try EngineFactory.make(
                spec,
                lane: index,
                bind: index == 0 ? spec.bind : addresses[0],
                control: lane.control,
                counters: lane.counters,
                residence: lane.residence,
                gauge: lane.kernelDrops,
                trace: spec.trace ? trace : nil,
                sendGate: sendGate
            )
            lanes.append(lane)
            loops.append(product.loop)
            addresses.append(contentsOf: product.sockets.addresses)
            multisocketCounters = product.sockets
            relayConsumers = product.relayConsumers
        }
        let sockets =
            lanes.count == 1
            ? (multisocketCounters ?? SocketCounters(addresses: addresses)) : SocketCounters(addresses: addresses)
        let engine = Engine(spec: spec, sockets: sockets, relayConsumers: relayConsumers, lanes: lanes)
        do throws(SystemError) {
            try engine.launch(loops, onExit: onExit, beforeLoop: beforeLoop)
        } catch {
            throw .system(error)
        }
        return engine
    }

    /// The engine's counters now, summed over its lanes, with the kernel's drops on its sockets,
    /// and the loop counters its backend cannot see marked absent.
    public func counterSnapshot() -> CounterSnapshot {
        var snapshot = lanes[0].counters.snapshot()
        snapshot.kernelDrops = lanes[0].kernelDrops.drops
        for lane in lanes.dropFirst() {
            var part = lane.counters.snapshot()
            part.kernelDrops = lane.kernelDrops.drops
            snapshot.add(part)
        }
        snapshot.absent = spec.backend.unobservedCounters
        return snapshot
    }

    /// Receive-to-send times over every lane.
    public func residenceSummary() -> ResidenceSummary {
        ResidenceHistogram.summary(of: lanes.map(\.residence))
    }

    /// Receive-to-send times over every lane, in Prometheus' buckets (the metrics endpoint's).
    public func residenceBuckets() -> ResidenceBuckets {
        ResidenceHistogram.buckets(of: lanes.map(\.residence))
    }

    /// Datagrams received by each lane, in lane order: each `--threads` thread's share.
    public var laneShares: [UInt64] { lanes.map { $0.counters.rxDatagrams.value } }

    /// The engine's state now.
    public var state: EngineState { status.withLock { $0.state } }

    /// Why a loop failed, when ``state`` is `failed`.
    public var failure: String? { status.withLock { $0.failure } }

    /// Stops the loops and waits for their threads to end; the sockets are closed on return.
    ///
    /// Safe to call from any thread but the engine's own, and more than once: every call returns
    /// once the engine has ended.
    public func stop() {
        status.withLock { status in
            if status.state == .starting || status.state == .running {
                status.state = .stopping
            }
        }
        for lane in lanes { lane.control.requestStop() }
        for lane in lanes {
            lane.thread.withLock { thread in
                thread?.join()
                thread = nil
            }
        }
    }

    /// Blocks the engine's loops for `duration` outside their wait, as wedged loops would be.
    ///
    /// - Important: for tests of the watchdog only; the daemon offers it only when started with
    ///   `UDPLABD_TEST_HOOKS=1`.
    public func stall(for duration: Duration) {
        for lane in lanes { lane.control.requestStall(for: duration) }
    }

    /// Numbers that grow whenever a loop goes round its wait or moves a datagram, one per lane.
    public var progressMarker: [UInt64] {
        lanes.map { $0.counters.heartbeats.value &+ $0.counters.rxDatagrams.value &+ $0.counters.txDatagrams.value }
    }

    /// `true` when every loop is waiting for readiness or has made progress since `marker` was
    /// read (``progressMarker``): a loop that is neither is stuck.
    public func hasProgressed(since marker: [UInt64]) -> Bool {
        let now = progressMarker
        return lanes.indices.allSatisfy { index in
            lanes[index].counters.isWaiting || index >= marker.count || now[index] != marker[index]
        }
    }

    private func launch(
        _ loops: [any EngineLoop],
        onExit: (@Sendable (Engine) -> Void)?,
        beforeLoop: (@Sendable () -> Void)?
    ) throws(SystemError) {
        status.withLock { $0.running = loops.count }
        for (index, loop) in loops.enumerated() {
            let lane = lanes[index]
            // Each loop was built here and from now on is used by its new thread alone.
            let handoff = LoopHandoff(loop)
            let name = lanes.count == 1 ? "udplab-\(spec.backend.rawValue)" : "udplab-\(spec.backend.rawValue)-\(index)"
            let pinned = spec.effectiveSteer == .cpu ? index % OSThread.onlineCPUs : nil
            let thread: OSThread
            do {
                thread = try OSThread.spawn(name: name) { [self] in
                    if let pinned { try? OSThread.pinCurrentThread(toCPU: pinned) }
                    beforeLoop?()
                    let outcome = handoff.run { loop in
                        let outcome: Result<Bool, SystemError>
                        do throws(SystemError) {
                            try loop.run()
                            outcome = .success(loop.isCompleted)
                        } catch {
                            outcome = .failure(error)
                        }
                        // The gauge reads the loop's own descriptors: its last reading is taken
                        // while they are open; the handoff then drops the loop, closing them.
                        lane.kernelDrops.close()
                        return outcome
                    }
                    laneEnded(with: outcome)
                    if status.withLock({ $0.running == 0 && !$0.isAbandoned }) { onExit?(self) }
                }
            } catch {
                // The lanes already running are stopped, without onExit: the start fails; this
                // lane's loop and the later ones close as they are dropped.
                status.withLock { status in
                    status.running -= loops.count - index
                    status.isAbandoned = true
                }
                stop()
                throw error
            }
            lane.thread.withLock { $0 = thread }
        }
        // The sockets are bound and their loops' threads exist: datagrams are being served (the
        // kernel queues them until each loop's first look).
        status.withLock { if $0.state == .starting { $0.state = .running } }
    }

    /// Records how one lane's loop ended: the first failure fails the engine and stops the other
    /// lanes; the last lane to end settles the state.
    private func laneEnded(with outcome: Result<Bool, SystemError>) {
        let stopOthers = status.withLock { status -> Bool in
            status.running -= 1
            switch outcome {
            case .failure(let error):
                let first = status.failure == nil
                (status.state, status.failure) = (.failed, status.failure ?? error.description)
                return first && status.running > 0
            case .success(let isCompleted):
                if status.running == 0, status.state != .failed {
                    status.state = isCompleted ? .completed : .stopped
                }
                return false
            }
        }
        if stopOthers { for lane in lanes { lane.control.requestStop() } }
    }
}

/// Moves a loop, built on the starting thread, to the engine's thread, which then owns it alone.
private final class LoopHandoff: @unchecked Sendable {
    private var loop: (any EngineLoop)?

    init(_ loop: any EngineLoop) { self.loop = loop }

    /// Runs `body` with the loop, then drops the loop (closing its sockets). The engine's thread
    /// calls this once: `launch` starts one thread per handoff, so the loop is always there
    /// (a second call would find none and report a stop).
    func run(_ body: (any EngineLoop) -> Result<Bool, SystemError>) -> Result<Bool, SystemError> {
        guard let taken = loop else { return .success(false) }
        loop = nil
        return body(taken)
    }
}
