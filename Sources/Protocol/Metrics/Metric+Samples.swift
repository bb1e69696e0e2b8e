extension Metric {
    /// The metric's series in `snapshot`, as Prometheus shows them: an engine's state as one 0 or
    /// 1 per state, the build as a 1 with its version in labels.
    public func samples(in snapshot: MetricsSnapshot) -> [MetricSample] {
        switch reading {
        case .engineState:
            return snapshot.engines.flatMap { engine in
                Self.engineStates.map { state in
                    MetricSample(
                        object: engine.stats.name,
                        labels: engine.labels + [MetricLabel("state", state.rawValue)],
                        value: .real(engine.stats.state == state.rawValue ? 1 : 0)
                    )
                }
            }
        case .build:
            return [
                MetricSample(
                    object: nil,
                    labels: [
                        MetricLabel("version", ControlProtocol.productVersion),
                        MetricLabel("interface_version", "\(ControlProtocol.interfaceVersion)"),
                    ],
                    value: .real(1)
                )
            ]
        default:
            return commonSamples(in: snapshot)
        }
    }

    /// The metric's series in `snapshot`, as `io.systemd.Metrics.List` reports them: an engine's
    /// state and the build's version as text (its `string` type), a histogram as its cumulative
    /// buckets (the others as Prometheus has them).
    public func systemdSamples(in snapshot: MetricsSnapshot) -> [MetricSample] {
        switch reading {
        case .engineState:
            return snapshot.engines.map { engine in
                MetricSample(object: engine.stats.name, labels: engine.labels, value: .text(engine.stats.state))
            }
        case .build:
            return [MetricSample(object: nil, labels: [], value: .text(ControlProtocol.productVersion))]
        default:
            return commonSamples(in: snapshot)
        }
    }

    /// The `MetricFamilyType` `io.systemd.Metrics.Describe` gives: `string` for the state and the
    /// build, else the type's.
    public var systemdType: String {
        switch reading {
        case .engineState, .build: "string"
        default: type.systemdType
        }
    }

    /// Every state an engine can be in, in life order.
    static let engineStates: [EngineState] = [.starting, .running, .stopping, .stopped, .completed, .failed]

    private func commonSamples(in snapshot: MetricsSnapshot) -> [MetricSample] {
        switch reading {
        case .engineCounter(let read):
            return snapshot.engines.compactMap { engine in
                read(engine.stats.counters).map {
                    MetricSample(object: engine.stats.name, labels: engine.labels, value: .count($0))
                }
            }
        case .socketReceived:
            return snapshot.engines.flatMap { engine in
                engine.stats.sockets.map { socket in
                    var labels = engine.labels + [MetricLabel("socket", socket.address)]
                    if let thread = socket.thread { labels.append(MetricLabel("thread", "\(thread)")) }
                    return MetricSample(object: engine.stats.name, labels: labels, value: .count(socket.rxDatagrams))
                }
            }
        case .consumer(let read):
            return snapshot.engines.flatMap { engine in
                (engine.stats.consumers ?? []).map { consumer in
                    MetricSample(
                        object: engine.stats.name,
                        labels: engine.labels + [MetricLabel("consumer", consumer.address)],
                        value: .count(read(consumer))
                    )
                }
            }
        case .consumerCount:
            return snapshot.engines.compactMap { engine in
                engine.stats.consumers.map { consumers in
                    MetricSample(
                        object: engine.stats.name,
                        labels: engine.labels,
                        value: .count(UInt64(consumers.count))
                    )
                }
            }
        case .residence:
            return snapshot.engines.map { engine in
                MetricSample(object: engine.stats.name, labels: engine.labels, value: .histogram(engine.residence))
            }
        case .engineStartTime:
            return snapshot.engines.map { engine in
                MetricSample(
                    object: engine.stats.name,
                    labels: engine.labels,
                    value: .real(Double(engine.stats.startedUsec) / 1e6)
                )
            }
        case .control(let denials):
            return snapshot.control.map { tally in
                MetricSample(
                    object: nil,
                    labels: [MetricLabel("method", tally.method)],
                    value: .count(denials ? tally.denials : tally.requests)
                )
            }
        case .process(let read):
            return snapshot.process.map { [MetricSample(object: nil, labels: [], value: read($0))] } ?? []
        case .processStartTime:
            return [MetricSample(object: nil, labels: [], value: .real(snapshot.startTimeSeconds))]
        case .engineState, .build:
            return []
        }
    }
}
