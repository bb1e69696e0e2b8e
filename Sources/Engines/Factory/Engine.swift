import Synchronization
import UDPLabEngineKit
import UDPLabOS
import UDPLabProtocol

/// One running engine: a bound socket and an event loop on its own thread.
///
/// ``start(_:trace:sendGate:onExit:)`` binds and sets everything up on the caller's thread, so
/// a busy address or a bad option is reported there, as a typed ``EngineError``. ``stop()``
/// wakes the loop through its waker and returns once the thread has ended and its sockets are
/// closed. Counters and the residence histogram can be read from any thread at any time.
public final class Engine: Sendable {
    /// What was started.
    public let spec: EngineSpec
    /// Where the (first) socket is bound, with the kernel's port if the spec asked for port 0;
    /// the spec's address for kinds without sockets.
    public let localAddress: SocketAddress
    /// The loop's counters.
    public let counters: EngineCounters
    /// Receive-to-send times of echoed datagrams.
    public let residence: ResidenceHistogram
    /// Datagrams received per socket (one entry per socket; several for multisocket).
    public let sockets: SocketCounters
    private let kernelDrops: KernelDropGauge
    /// When the engine started, in microseconds since the Unix epoch.
    public let startedMicroseconds: UInt64

    private let control: LoopControl
    private let status = Mutex<(state: EngineState, failure: String?)>((.starting, nil))
    private let thread = Mutex<OSThread?>(nil)

    private init(
        spec: EngineSpec,
        sockets: SocketCounters,
        kernelDrops: KernelDropGauge,
        counters: EngineCounters,
        residence: ResidenceHistogram,
        control: LoopControl
    ) {
        self.spec = spec
        self.sockets = sockets
        self.kernelDrops = kernelDrops
        self.localAddress = sockets.addresses.first ?? spec.bind
        self.counters = counters
        self.residence = residence
        self.control = control
        self.startedMicroseconds = MonotonicClock.realtimeMicroseconds()
    }

    /// Validates `spec`, binds its socket, builds its loop and starts the loop's thread.
    ///
    /// - Parameters:
    ///   - spec: what to start.
    ///   - trace: where `--trace` lines go (used only when `spec.trace` is set).
    ///   - sendGate: a test seam that makes sends report would-block; see ``SendGate``.
    ///   - onExit: called on the engine's thread once its loop has ended (stopped or failed).
    ///   - beforeLoop: a test seam, run on the engine's thread before its loop starts, so a test
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
        let counters = EngineCounters()
        let residence = ResidenceHistogram()
        let control: LoopControl
        do {
            control = LoopControl(waker: try Waker())
        } catch {
            throw .system(error)
        }
        let product = try EngineFactory.make(
            spec,
            control: control,
            counters: counters,
            residence: residence,
            trace: spec.trace ? trace : nil,
            sendGate: sendGate
        )
        let engine = Engine(
            spec: spec,
            sockets: product.sockets,
            kernelDrops: product.kernelDrops,
            counters: counters,
            residence: residence,
            control: control
        )
        do throws(SystemError) {
            try engine.launch(product.loop, onExit: onExit, beforeLoop: beforeLoop)
        } catch {
            throw .system(error)
        }
        return engine
    }

    /// The engine's counters now, with the kernel's drops on its sockets, and the loop counters
    /// its backend cannot see marked absent.
    public func counterSnapshot() -> CounterSnapshot {
        var snapshot = counters.snapshot()
        snapshot.kernelDrops = kernelDrops.drops
        snapshot.absent = spec.backend.unobservedCounters
        return snapshot
    }

    /// The engine's state now.
    public var state: EngineState { status.withLock { $0.state } }

    /// Why the loop failed, when ``state`` is `failed`.
    public var failure: String? { status.withLock { $0.failure } }

    /// Stops the loop and waits for its thread to end; its sockets are closed on return.
    ///
    /// Safe to call from any thread but the engine's own, and more than once: every call returns
    /// once the engine has ended.
    public func stop() {
        status.withLock { status in
            if status.state == .starting || status.state == .running {
                status.state = .stopping
            }
        }
        control.requestStop()
        thread.withLock { thread in
            thread?.join()
            thread = nil
        }
    }

    /// Blocks the engine's loop for `duration` outside its wait, as a wedged loop would be.
    ///
    /// - Important: for tests of the watchdog only; the daemon offers it only when started with
    ///   `UDPLABD_TEST_HOOKS=1`.
    public func stall(for duration: Duration) {
        control.requestStall(for: duration)
    }

    /// A number that grows whenever the loop goes round its wait or moves a datagram.
    public var progressMarker: UInt64 {
        counters.heartbeats.value &+ counters.rxDatagrams.value &+ counters.txDatagrams.value
    }

    /// `true` when the loop is waiting for readiness or has made progress since `marker` was
    /// read (``progressMarker``): a loop that is neither is stuck.
    public func hasProgressed(since marker: UInt64) -> Bool {
        counters.isWaiting || progressMarker != marker
    }

    private func launch(
        _ loop: any EngineLoop,
        onExit: (@Sendable (Engine) -> Void)?,
        beforeLoop: (@Sendable () -> Void)?
    ) throws(SystemError) {
        // The loop was built here and from now on is used by the new thread alone.
        let handoff = LoopHandoff(loop)
        let name = "udplab-\(spec.backend.rawValue)"
        let thread = try OSThread.spawn(name: name) { [self] in
            beforeLoop?()
            let outcome = handoff.run { loop in
                let outcome: Result<Bool, SystemError>
                do throws(SystemError) {
                    try loop.run()
                    outcome = .success(loop.isCompleted)
                } catch {
                    outcome = .failure(error)
                }
                // The gauge reads the loop's own descriptors: its last reading is taken while
                // they are open; the handoff then drops the loop, closing them (and the ports).
                kernelDrops.close()
                return outcome
            }
            status.withLock { status in
                switch outcome {
                case .success(let isCompleted): status.state = isCompleted ? .completed : .stopped
                case .failure(let error): (status.state, status.failure) = (.failed, error.description)
                }
            }
            onExit?(self)
        }
        self.thread.withLock { $0 = thread }
        // The socket is bound and its loop's thread exists: datagrams are being served (the
        // kernel queues them until the loop's first look).
        status.withLock { if $0.state == .starting { $0.state = .running } }
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
