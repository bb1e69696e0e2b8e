import UDPLabEngineKit
import UDPLabNIOBackends
import UDPLabOS
import UDPLabProtocol

/// Builds an engine's loop from its spec: binds its sockets and sets up its selector. This is
/// the one `switch` over kinds and backends.
enum EngineFactory {
    /// What ``make(_:lane:bind:control:counters:residence:gauge:trace:sendGate:)`` built.
    struct Product {
        let loop: any EngineLoop
        let sockets: SocketCounters
        /// A relay engine's consumers; `nil` for other kinds.
        var relayConsumers: RelayConsumers? = nil

        /// What a kind without consumers built.
        init(_ built: (loop: any EngineLoop, sockets: SocketCounters)) {
            loop = built.loop
            sockets = built.sockets
        }

        init(loop: any EngineLoop, sockets: SocketCounters, relayConsumers: RelayConsumers) {
            self.loop = loop
            self.sockets = sockets
            self.relayConsumers = relayConsumers
        }
    }

    /// Binds lane `lane`'s sockets at `bind` (the spec's address, or for a later `--threads` lane
    /// the first lane's, with the kernel's port) and builds its loop; nothing is left open when
    /// it throws.
    static func make(
        _ spec: EngineSpec,
        lane: Int,
        bind address: SocketAddress,
        control: LoopControl,
        counters: EngineCounters,
        residence: ResidenceHistogram,
        gauge: KernelDropGauge,
        trace: TraceSink?,
        sendGate: SendGate?
    ) throws(EngineError) -> Product {
        let binding = Binding(
            address: address,
            dualStack: spec.isDualStack,
            reusePort: spec.laneCount > 1,
            steersByCPU: lane == 0 && spec.effectiveSteer == .cpu ? spec.laneCount : nil,
            packetInfo: spec.kind == .echo ? spec.packetInfoOptions : [],
            gauge: gauge
        )
        return try build(
            spec,
            binding: binding,
            control: control,
            counters: counters,
            residence: residence,
            trace: trace,
            sendGate: sendGate
        )
    }

    /// How a lane's sockets are bound.
    struct Binding {
        let address: SocketAddress
        let dualStack: Bool
        /// `SO_REUSEPORT`, for an engine with `--threads`.
        let reusePort: Bool
        /// The group size to steer by CPU (`--steer cpu`), on the first lane's socket.
        let steersByCPU: Int?
        /// What each receive learns besides the datagram (an echo engine on a wildcard address,
        /// or with `--reflect-tos`): ``UDPSocket/PacketInfoOptions``.
        let packetInfo: UDPSocket.PacketInfoOptions
        let gauge: KernelDropGauge
    }

    private static func build(
        _ spec: EngineSpec,
        binding: Binding,
        control: LoopControl,
        counters: EngineCounters,
        residence: ResidenceHistogram,
        trace: TraceSink?,
        sendGate: SendGate?
    ) throws(EngineError) -> Product {
        switch spec.kind {
        case .echo:
            return Product(
                try echo(
                    spec,
                    binding: binding,
                    control: control,
                    counters: counters,
                    residence: residence,
                    trace: trace,
                    sendGate: sendGate
                )
            )
        case .multisocket:
            return Product(try multisocket(spec, binding: binding, control: control, counters: counters, trace: trace))
        case .mixed:
            let socket = try bind(binding.address, binding, sendGate: nil)
            let sockets = SocketCounters(addresses: [socket.localAddress])
            do throws(SystemError) {
                let loop = try MixedLoop(socket: socket, spec: spec, control: control, counters: counters, trace: trace)
                return Product((loop, sockets))
            } catch {
                throw .system(error)
            }
        case .notify:
            let loop = try setUp { () throws(SystemError) in
                try NotifyLoop(spec: spec, control: control, counters: counters, trace: trace)
            }
            return Product((loop, SocketCounters(addresses: [])))
        case .empty:
            let loop = try setUp { () throws(SystemError) in
                try EmptyLoop(control: control, counters: counters, trace: trace)
            }
            return Product((loop, SocketCounters(addresses: [])))
        case .relay:
            return try relay(
                spec,
                binding: binding,
                control: control,
                counters: counters,
                trace: trace,
                sendGate: sendGate
            )
        }
    }

    /// A relay engine: its producer and consumer sockets, one ``RelayPath``, and the loop of its
    /// backend (``EngineSpec/problems()`` has refused the backends that have none).
    private static func relay(
        _ spec: EngineSpec,
        binding: Binding,
        control: LoopControl,
        counters: EngineCounters,
        trace: TraceSink?,
        sendGate: SendGate?
    ) throws(EngineError) -> Product {
        guard let consumerAddress = spec.effectiveConsumerBind else {
            throw .invalidSpec(spec.noConsumerPort)
        }
        // The ring first: where io_uring is unavailable, no socket is bound.
        let ring = spec.backend == .uring ? try UringRelay.makeRing(spec) : nil
        let producerSocket = try bind(binding.address, binding, sendGate: nil)
        // The consumer socket sends every relayed datagram: the test seam's gate is on it.
        let consumerSocket = try bind(consumerAddress, binding, sendGate: sendGate)
        let sockets = SocketCounters(addresses: [producerSocket.localAddress, consumerSocket.localAddress])
        let consumers = RelayConsumers()
        let path = RelayPath(
            producerSocket: producerSocket,
            consumerSocket: consumerSocket,
            spec: spec,
            counters: counters,
            consumers: consumers,
            sockets: sockets,
            trace: trace,
            batchCapacity: spec.backend == .mmsg ? spec.effectiveBatch : nil
        )
        let budget = spec.effectiveBudget
        let loop: any EngineLoop
        switch spec.backend {
        case .select:
            loop = try SelectRelay(path: path, control: control, counters: counters, budget: budget)
        case .poll:
            loop = PollRelay(path: path, control: control, counters: counters, budget: budget)
        case .epollLevel:
            loop = try setUp { () throws(SystemError) in
                try EpollLevelRelay(path: path, control: control, counters: counters, budget: budget)
            }
        case .epollEdge, .mmsg:
            loop = try setUp { () throws(SystemError) in
                try EpollEdgeRelay(path: path, control: control, counters: counters, budget: budget)
            }
        case .reactorLevel:
            loop = try setUp { () throws(SystemError) in
                try ReactorLevelRelay(path: path, control: control, counters: counters, budget: budget)
            }
        case .reactorEdge:
            loop = try setUp { () throws(SystemError) in
                try ReactorEdgeRelay(path: path, control: control, counters: counters, budget: budget)
            }
        case .task:
            loop = try setUp { () throws(SystemError) in
                try TaskRelay(path: path, control: control, counters: counters, budget: budget)
            }
        case .uring:
            // Internal invariant: the ring was made above for this backend.
            guard let ring else { throw .invalidSpec("backend uring has no ring") }
            loop = UringRelay(ring: ring, path: path, spec: spec, control: control, counters: counters, trace: trace)
        case .flipflop, .taskMPSC, .nio, .nioAsync, .gso:
            throw .invalidSpec("backend \(spec.backend.rawValue) does not run kind relay")
        }
        return Product(loop: loop, sockets: sockets, relayConsumers: consumers)
    }

    /// An echo engine: NIO's two backends and uring bind their own way; the others share an
    /// ``EchoPath`` and differ in their loop.
    private static func echo(
        _ spec: EngineSpec,
        binding: Binding,
        control: LoopControl,
        counters: EngineCounters,
        residence: ResidenceHistogram,
        trace: TraceSink?,
        sendGate: SendGate?
    ) throws(EngineError) -> (loop: any EngineLoop, sockets: SocketCounters) {
        let gauge = binding.gauge
        /// The shared path; each backend's case says how its seed program differs.
        func makePath(
            tracesPendingWrites: Bool = true,
            isBatched: Bool = false,
            hasOutgoingQueue: Bool = true
        ) throws(EngineError) -> EchoPath {
            EchoPath(
                socket: try bind(binding.address, binding, sendGate: sendGate),
                spec: spec,
                counters: counters,
                residence: residence,
                trace: trace,
                tracesPendingWrites: tracesPendingWrites,
                batchCapacity: isBatched ? spec.effectiveBatch : nil,
                hasOutgoingQueue: hasOutgoingQueue
            )
        }
        let budget = spec.effectiveBudget
        let path: EchoPath
        let loop: any EngineLoop
        switch spec.backend {
        case .nio:
            // NIO binds and owns its socket.
            let nio = try NIOEcho(
                spec: spec,
                control: control,
                counters: counters,
                residence: residence,
                trace: trace,
                gauge: gauge
            )
            return (nio, SocketCounters(addresses: [nio.localAddress]))
        case .nioAsync:
            let nio = try NIOAsyncEcho(
                spec: spec,
                control: control,
                counters: counters,
                residence: residence,
                trace: trace,
                gauge: gauge
            )
            return (nio, SocketCounters(addresses: [nio.localAddress]))
        case .uring:
            // The ring first: where io_uring is unavailable, no socket is bound.
            let ring = try UringEcho.makeRing(spec)
            let socket = try bind(binding.address, binding, sendGate: nil)
            let sockets = SocketCounters(addresses: [socket.localAddress])
            do throws(SystemError) {
                let uring = try UringEcho(
                    ring: ring,
                    socket: socket,
                    spec: spec,
                    control: control,
                    counters: counters,
                    residence: residence,
                    trace: trace
                )
                return (uring, sockets)
            } catch {
                throw .system(error)
            }
        case .gso:
            let socket = try bind(binding.address, binding, sendGate: sendGate)
            let sockets = SocketCounters(addresses: [socket.localAddress])
            let gso = try GSOEcho(
                socket: socket,
                spec: spec,
                control: control,
                counters: counters,
                residence: residence,
                trace: trace
            )
            return (gso, sockets)
        case .select:
            // echo-select printed no "total pending writes" line.
            path = try makePath(tracesPendingWrites: false)
            loop = try SelectEcho(path: path, control: control, counters: counters, budget: budget)
        case .poll:
            path = try makePath()
            loop = PollEcho(path: path, control: control, counters: counters, budget: budget)
        case .epollLevel:
            path = try makePath()
            loop = try setUp { () throws(SystemError) in
                try EpollLevelEcho(path: path, control: control, counters: counters, budget: budget)
            }
        case .epollEdge:
            path = try makePath()
            loop = try setUp { () throws(SystemError) in
                try EpollEdgeEcho(path: path, control: control, counters: counters, budget: budget)
            }
        case .reactorLevel:
            path = try makePath()
            loop = try setUp { () throws(SystemError) in
                try ReactorLevelEcho(path: path, control: control, counters: counters, budget: budget)
            }
        case .reactorEdge:
            path = try makePath()
            loop = try setUp { () throws(SystemError) in
                try ReactorEdgeEcho(path: path, control: control, counters: counters, budget: budget)
            }
        case .flipflop:
            path = try makePath()
            loop = try setUp { () throws(SystemError) in
                try FlipflopEcho(path: path, control: control, counters: counters)
            }
        case .task:
            path = try makePath()
            loop = try setUp { () throws(SystemError) in try TaskEcho(path: path, control: control, counters: counters)
            }
        case .taskMPSC:
            // Its queue is its channel.
            path = try makePath(hasOutgoingQueue: false)
            loop = try setUp { () throws(SystemError) in
                try TaskMPSCEcho(path: path, control: control, counters: counters, spec: spec)
            }
        case .mmsg:
            path = try makePath(isBatched: true)
            loop = try setUp { () throws(SystemError) in
                // The epoll-edge loop on a batched path (recvmmsg/sendmmsg).
                try EpollEdgeEcho(path: path, control: control, counters: counters, budget: budget)
            }
        }
        return (loop, SocketCounters(addresses: [path.socket.localAddress]))
    }

    private static func multisocket(
        _ spec: EngineSpec,
        binding: Binding,
        control: LoopControl,
        counters: EngineCounters,
        trace: TraceSink?
    ) throws(EngineError) -> (loop: any EngineLoop, sockets: SocketCounters) {
        let executor = try setUp { () throws(SystemError) in try ReactorExecutor(counters: counters, control: control) }
        var drains: [SocketDrain] = []
        var addresses: [SocketAddress] = []
        for index in 0..<spec.socketCount {
            // Consecutive ports from the bind address; port 0 lets the kernel pick each one.
            // validate() keeps the last port ≤ 65535; the sum is in Int so no input can trap here.
            let port = spec.bind.port == 0 ? 0 : UInt16(clamping: Int(spec.bind.port) + index)
            let socket = try bind(spec.bind.withPort(port), binding, sendGate: nil)
            addresses.append(socket.localAddress)
            let cache = try setUp { () throws(SystemError) in try executor.register(socket) }
            drains.append(
                SocketDrain(
                    socket: socket,
                    cache: cache,
                    index: index,
                    counters: counters,
                    bufferSize: spec.bufferSize,
                    trace: trace
                )
            )
        }
        let sockets = SocketCounters(addresses: addresses)
        for drain in drains {
            drain.sockets = sockets
        }
        switch spec.effectiveStrategy {
        case .join:
            return (MultisocketLoop(executor: executor, tasks: [JoinAll(drains)]), sockets)
        case .spawn:
            return (MultisocketLoop(executor: executor, tasks: drains), sockets)
        case .unordered:
            let set = FuturesUnordered()
            for drain in drains { set.push(drain) }
            return (MultisocketLoop(executor: executor, tasks: [set]), sockets)
        case .taskgroup:
            let loop = try setUp { () throws(SystemError) in
                try TaskGroupMultisocket(executor: executor, drains: drains, control: control)
            }
            return (loop, sockets)
        }
    }

    /// Opens and binds a UDP socket as `binding` says, mapping the failure to what the user did
    /// wrong; the first `--steer cpu` lane's socket gets the group's steering program.
    private static func bind(
        _ address: SocketAddress,
        _ binding: Binding,
        sendGate: SendGate?
    ) throws(EngineError) -> UDPSocket {
        do {
            let socket = try UDPSocket(
                binding: address,
                dualStack: binding.dualStack,
                reusePort: binding.reusePort,
                packetInfo: binding.packetInfo,
                sendGate: sendGate
            )
            if let groupSize = binding.steersByCPU { try socket.steerByCPU(groupSize: groupSize) }
            binding.gauge.add(socket)
            return socket
        } catch  where error.isAddressInUse {
            throw .addressInUse(address)
        } catch  where error.isAddressNotAvailable {
            throw .invalidSpec("cannot bind \(address): the host has no such address")
        } catch  where error.isPermissionDenied {
            throw .permissionDenied("binding \(address) needs privilege (CAP_NET_BIND_SERVICE for ports below 1024)")
        } catch {
            throw .system(error)
        }
    }

    /// Runs a set-up step, reporting its failure as an engine error.
    private static func setUp<T>(_ step: () throws(SystemError) -> T) throws(EngineError) -> T {
        do {
            return try step()
        } catch {
            throw .system(error)
        }
    }
}
