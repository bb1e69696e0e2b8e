/// Every metric udplabd exports, each declared once: the Prometheus endpoint (`/metrics`),
/// `io.systemd.Metrics` (`List`, `Describe`) and the README's generated list read this table.
///
/// Names follow Prometheus' conventions: base units (seconds, bytes), `_total` on counters,
/// `_info` on the build's labels, `udplab_engine_` for an engine's series and the usual
/// `process_` names for the process.
public enum MetricCatalogue {
    /// The labels of every engine series.
    public static let engineLabels = ["engine", "kind", "backend"]

    /// The metrics, in the order they are exported.
    public static let all: [Metric] =
        engineCounters + [
            Metric(
                "udplab_engine_queue_high_water_datagrams",
                systemd: "io.udplab.Engine.queueHighWater",
                .gauge,
                labels: engineLabels,
                help: "Most datagrams ever waiting in the engine's outgoing queue (or the task-mpsc channel).",
                reading: .engineCounter { $0.queueHighWater }
            ),
            Metric(
                "udplab_engine_socket_received_datagrams_total",
                systemd: "io.udplab.Engine.socketReceivedDatagrams",
                .counter,
                labels: engineLabels + ["socket", "thread"],
                help:
                    "Datagrams received per socket of an engine with several: a multisocket engine's sockets, "
                    + "or each --threads lane's (label thread).",
                reading: .socketReceived
            ),
            Metric(
                "udplab_engine_consumers",
                systemd: "io.udplab.Engine.consumers",
                .gauge,
                labels: engineLabels,
                help: "Consumers a relay engine holds now.",
                reading: .consumerCount
            ),
            Metric(
                "udplab_engine_consumer_relayed_datagrams_total",
                systemd: "io.udplab.Engine.consumerRelayedDatagrams",
                .counter,
                labels: engineLabels + ["consumer"],
                help: "Datagrams a relay engine sent to one consumer (label consumer: its address).",
                reading: .consumer { $0.relayed }
            ),
            Metric(
                "udplab_engine_consumer_dropped_datagrams_total",
                systemd: "io.udplab.Engine.consumerDroppedDatagrams",
                .counter,
                labels: engineLabels + ["consumer"],
                help: "Datagrams one relay consumer lost in the relay: its --queue was full, or the send failed.",
                reading: .consumer { $0.dropped }
            ),
            Metric(
                "udplab_engine_consumer_queue_high_water_datagrams",
                systemd: "io.udplab.Engine.consumerQueueHighWater",
                .gauge,
                labels: engineLabels + ["consumer"],
                help: "Most datagrams that waited for one relay consumer at once.",
                reading: .consumer { $0.queueHighWater }
            ),
            Metric(
                "udplab_engine_residence_seconds",
                systemd: "io.udplab.Engine.residenceSeconds",
                .histogram,
                unit: "seconds",
                labels: engineLabels + ["le"],
                help: "Receive-to-send time of echoed datagrams (within 1.6 %).",
                reading: .residence
            ),
            Metric(
                "udplab_engine_state",
                systemd: "io.udplab.Engine.state",
                .gauge,
                labels: engineLabels + ["state"],
                help:
                    "1 for the engine's state (starting, running, stopping, stopped, completed, failed), 0 for the others.",
                reading: .engineState
            ),
            Metric(
                "udplab_engine_start_time_seconds",
                systemd: "io.udplab.Engine.startTimeSeconds",
                .gauge,
                unit: "seconds",
                labels: engineLabels,
                help: "When the engine started, in seconds since the Unix epoch (a restart starts new counters).",
                reading: .engineStartTime
            ),
            Metric(
                "udplab_build_info",
                systemd: "io.udplab.Daemon.buildInfo",
                .gauge,
                labels: ["version", "interface_version"],
                help: "Always 1, labelled with udplabd's version and its io.udplab interface version.",
                reading: .build
            ),
            Metric(
                "udplab_control_requests_total",
                systemd: "io.udplab.Control.requests",
                .counter,
                labels: ["method"],
                help: "Calls on the control socket, by method (other: methods udplabd does not have).",
                reading: .control(denials: false)
            ),
            Metric(
                "udplab_control_denied_requests_total",
                systemd: "io.udplab.Control.deniedRequests",
                .counter,
                labels: ["method"],
                help: "Calls on the control socket refused with PermissionDenied (not an admin), by method.",
                reading: .control(denials: true)
            ),
        ] + processMetrics

    /// The counters of `Stats` (`CounterSnapshot`), one metric each.
    static let engineCounters: [Metric] = [
        counter("received_datagrams", "receivedDatagrams", "Datagrams received.") { $0.rxDatagrams },
        counter("received_bytes", "receivedBytes", "Bytes received (those that fit the buffer).", unit: "bytes") {
            $0.rxBytes
        },
        counter("sent_datagrams", "sentDatagrams", "Datagrams echoed.") { $0.txDatagrams },
        counter("sent_bytes", "sentBytes", "Bytes echoed.", unit: "bytes") { $0.txBytes },
        counter(
            "dropped_datagrams",
            "droppedDatagrams",
            "Datagrams received while the outgoing queue was full, discarded."
        ) { $0.dropped },
        counter(
            "unanswered_datagrams",
            "unansweredDatagrams",
            "Datagrams received that --reply sockperf answers with nothing."
        ) { $0.unanswered },
        counter("truncated_datagrams", "truncatedDatagrams", "Datagrams longer than --buffer.") { $0.truncated },
        counter(
            "kernel_dropped_datagrams",
            "kernelDroppedDatagrams",
            "Datagrams the kernel dropped because the engine's receive buffer was full."
        ) { $0.kernelDrops },
        counter("errors", "errors", "Receive or send errors other than would-block.") { $0.errors },
        counter("receive_would_block", "receiveWouldBlock", "Receives that found nothing.") {
            $0.value(.recvWouldBlock)
        },
        counter("send_would_block", "sendWouldBlock", "Sends that found the socket buffer full.") {
            $0.value(.sendWouldBlock)
        },
        counter("wakeups", "wakeups", "Returns from the loop's wait (select, poll, epoll_wait, the ring).") {
            $0.value(.wakeups)
        },
        counter("empty_wakeups", "emptyWakeups", "Wakeups with nothing to do.") { $0.value(.emptyWakeups) },
        counter("events", "events", "Readiness events (on uring: completions) the loop handled.") {
            $0.value(.events)
        },
        counter("interest_changes", "interestChanges", "Write interest switched on or off.") {
            $0.value(.interestChanges)
        },
        counter("syscalls", "syscalls", "System calls the engine's loop issued.") { $0.value(.syscalls) },
        counter("waker_writes", "wakerWrites", "Eventfd writes made to wake a reactor.") { $0.value(.wakerWrites) },
        counter("task_polls", "taskPolls", "Polls of a task's top-level future.") { $0.value(.taskPolls) },
        counter("future_polls", "futurePolls", "Polls of the futures that do the work.") { $0.value(.futurePolls) },
        counter("timer_events", "timerEvents", "User-space timer events delivered (kind mixed).") { $0.timerEvents },
        counter("gro_buffers", "groBuffers", "Coalesced (GRO) buffers of more than one datagram received (gso).") {
            $0.groBuffers
        },
        counter("gso_sends", "gsoSends", "Sends with UDP_SEGMENT the kernel took (gso).") { $0.gsoSends },
        counter(
            "gso_fallbacks",
            "gsoFallbacks",
            "Trains sent datagram by datagram because the kernel refused GSO (gso)."
        ) { $0.gsoFallbacks },
        counter(
            "policy_drops",
            "policyDrops",
            "Datagrams not echoed by a guard: a denied source port (--deny-source-ports) or a rate limit."
        ) { $0.policyDrops },
        counter(
            "rate_limited",
            "rateLimited",
            "Of the policy drops, datagrams over --rate-limit (per source prefix) or --rate-limit-total."
        ) { $0.rateLimited },
        counter(
            "pktinfo_replies",
            "pktinfoReplies",
            "Echoes sent from the address their request reached (IP_PKTINFO/IPV6_PKTINFO, a wildcard bind)."
        ) { $0.pktinfoReplies },
        counter(
            "tos_reflected",
            "tosReflected",
            "Echoes sent with their request's traffic class, DSCP and ECN (--reflect-tos)."
        ) { $0.tosReflected },
        counter(
            "consumer_ignored",
            "consumerIgnored",
            "Datagrams a relay's consumers sent that were neither 1 (register) nor 0 (leave)."
        ) { $0.consumerIgnored },
        counter(
            "consumers_refused",
            "consumersRefused",
            "Relay registrations ignored because --max-consumers were registered."
        ) { $0.consumersRefused },
        counter(
            "consumers_expired",
            "consumersExpired",
            "Relay consumers forgotten after --consumer-timeout without registering again."
        ) { $0.consumersExpired },
    ]

    /// The process collectors' usual metrics.
    static let processMetrics: [Metric] = [
        Metric(
            "process_cpu_seconds_total",
            systemd: "io.udplab.Process.cpuSeconds",
            .counter,
            unit: "seconds",
            labels: [],
            help: "Total user and system CPU time spent in seconds.",
            reading: .process { .real($0.cpuSeconds) }
        ),
        Metric(
            "process_resident_memory_bytes",
            systemd: "io.udplab.Process.residentMemoryBytes",
            .gauge,
            unit: "bytes",
            labels: [],
            help: "Resident memory size in bytes.",
            reading: .process { .count($0.residentBytes) }
        ),
        Metric(
            "process_virtual_memory_bytes",
            systemd: "io.udplab.Process.virtualMemoryBytes",
            .gauge,
            unit: "bytes",
            labels: [],
            help: "Virtual memory size in bytes.",
            reading: .process { .count($0.virtualBytes) }
        ),
        Metric(
            "process_open_fds",
            systemd: "io.udplab.Process.openFds",
            .gauge,
            labels: [],
            help: "Number of open file descriptors.",
            reading: .process { .count(UInt64($0.openDescriptors)) }
        ),
        Metric(
            "process_max_fds",
            systemd: "io.udplab.Process.maxFds",
            .gauge,
            labels: [],
            help: "Maximum number of open file descriptors.",
            reading: .process { .count(UInt64(max($0.maximumDescriptors, 0))) }
        ),
        Metric(
            "process_start_time_seconds",
            systemd: "io.udplab.Process.startTimeSeconds",
            .gauge,
            unit: "seconds",
            labels: [],
            help: "Start time of the process since unix epoch in seconds.",
            reading: .processStartTime
        ),
    ]

    /// An engine counter: `udplab_engine_NAME_total`, `io.udplab.Engine.SYSTEMD`.
    private static func counter(
        _ name: String,
        _ systemdName: String,
        _ help: String,
        unit: String? = nil,
        read: @escaping @Sendable (CounterSnapshot) -> UInt64?
    ) -> Metric {
        Metric(
            "udplab_engine_\(name)_total",
            systemd: "io.udplab.Engine.\(systemdName)",
            .counter,
            unit: unit,
            labels: engineLabels,
            help: help,
            reading: .engineCounter(read)
        )
    }
}
