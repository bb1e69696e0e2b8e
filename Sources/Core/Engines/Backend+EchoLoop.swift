extension Backend {
    /// Builds the echo loop for this backend around a bound socket: the one `switch` over backends.
    ///
    /// - Throws: ``SystemError`` when the loop's selector cannot be set up.
    func makeEchoLoop(
        socket: consuming UDPSocket,
        spec: EngineSpec,
        control: LoopControl,
        counters: EngineCounters,
        residence: ResidenceHistogram,
        trace: TraceSink?
    ) throws(SystemError) -> any EngineLoop {
        let path = EchoPath(
            socket: socket,
            spec: spec,
            counters: counters,
            residence: residence,
            trace: trace,
            tracesPendingWrites: self != .select
        )
        let budget = spec.effectiveBudget
        switch self {
        case .select: return SelectEcho(path: path, control: control, counters: counters, budget: budget)
        case .poll: return PollEcho(path: path, control: control, counters: counters, budget: budget)
        case .epollLevel: return try EpollLevelEcho(path: path, control: control, counters: counters, budget: budget)
        case .epollEdge: return try EpollEdgeEcho(path: path, control: control, counters: counters, budget: budget)
        case .reactorLevel:
            return try ReactorLevelEcho(path: path, control: control, counters: counters, budget: budget)
        case .reactorEdge: return try ReactorEdgeEcho(path: path, control: control, counters: counters, budget: budget)
        case .flipflop: return try FlipflopEcho(path: path, control: control, counters: counters)
        }
    }
}
