import UDPLabProtocol

/// Answers the metrics socket: `io.systemd.Metrics.List` and `Describe` (``SystemdMetrics``),
/// read from ``MetricCatalogue`` and a snapshot of the daemon, and `org.varlink.service`'s
/// introspection. Nothing here changes the daemon, so every peer may call everything.
struct MetricsRequestHandler: CallHandler {
    let runtime: DaemonRuntime

    func reply(to call: VarlinkCall, from peer: Peer) async -> VarlinkReply {
        do {
            switch call.method {
            case SystemdMetrics.list, SystemdMetrics.describe:
                // As systemd's SD_VARLINK_REQUIRES_MORE: one reply could not carry every metric.
                _ = try families(call)
                return VarlinkReply(.other(name: SystemdMetrics.expectedMore, parameters: [:]))
            case VarlinkService.getInfo:
                _ = try call.decodeParameters(NoParameters.self)
                return try VarlinkReply(
                    VarlinkService.Info(
                        vendor: "udplab",
                        product: "udplabd",
                        version: ControlProtocol.productVersion,
                        url: "https://github.com/udplab/udplab",
                        interfaces: ["org.varlink.service", SystemdMetrics.interface]
                    )
                )
            case VarlinkService.getInterfaceDescription:
                let parameters = try call.decodeParameters(VarlinkService.DescriptionParameters.self)
                switch parameters.interface {
                case SystemdMetrics.interface:
                    return try VarlinkReply(
                        VarlinkService.Description(description: SystemdMetrics.interfaceDescription)
                    )
                case "org.varlink.service":
                    return try VarlinkReply(VarlinkService.Description(description: RequestHandler.serviceInterface))
                default: throw ControlError.interfaceNotFound(interface: parameters.interface)
                }
            default:
                let interface = call.method.split(separator: ".").dropLast().joined(separator: ".")
                if interface == SystemdMetrics.interface || interface == "org.varlink.service" {
                    throw ControlError.methodNotFound(method: call.method)
                }
                throw ControlError.interfaceNotFound(interface: interface)
            }
        } catch let error as ControlError {
            return VarlinkReply(error)
        } catch {
            return VarlinkReply(.internalError(reason: "\(error)"))
        }
    }

    /// `List` and `Describe` with `more`: one reply per series (per family), `continues` on all
    /// but the last; `NoSuchMetric` when there is nothing to report.
    func replies(toMore call: VarlinkCall, from peer: Peer) async -> [VarlinkReply]? {
        guard call.method == SystemdMetrics.list || call.method == SystemdMetrics.describe else { return nil }
        let entries: [[String: JSONValue]]
        do {
            let metrics = try families(call)
            if call.method == SystemdMetrics.list {
                entries = SystemdMetrics.listReplies(metrics, in: await runtime.metricsSnapshot())
            } else {
                entries = SystemdMetrics.describeReplies(metrics)
            }
        } catch let error as ControlError {
            return [VarlinkReply(error)]
        } catch {
            return [VarlinkReply(.internalError(reason: "\(error)"))]
        }
        guard !entries.isEmpty else {
            return [VarlinkReply(.other(name: SystemdMetrics.noSuchMetric, parameters: [:]))]
        }
        return entries.enumerated().map { index, entry in
            (try? VarlinkReply(entry, continues: index < entries.count - 1))
                ?? VarlinkReply(.internalError(reason: "a metric could not be encoded"))
        }
    }

    /// The families a call asks for: all, or the one its `name` names.
    /// - Throws: `NoSuchMetric` for a name udplabd does not have; `InvalidParameter` for others.
    private func families(_ call: VarlinkCall) throws -> [Metric] {
        let parameters = try call.decodeParameters(SystemdMetrics.Parameters.self)
        guard let name = parameters.name else { return MetricCatalogue.all }
        guard let metric = MetricCatalogue.all.first(where: { $0.systemdName == name }) else {
            throw ControlError.other(name: SystemdMetrics.noSuchMetric, parameters: [:])
        }
        return [metric]
    }
}
