import UDPLabOS

/// The engine options, in the order `--help` and the docs list them.
extension EngineOption {
    /// Every engine option.
    public static let all: [EngineOption] = [
        .backend, .strategy, .bind, .dualStack, .count, .queue, .buffer, .budget, .batch, .threads, .steer, .reply,
        .denySourcePorts, .rateLimit, .rateLimitPrefix, .rateLimitTotal, .reflectTOS, .consumerBind, .maxConsumers,
        .consumerTimeout, .interval, .polls, .trace,
    ]

    /// Kinds whose engines have sockets.
    private static let socketKinds: Set<EngineKind> = [.echo, .multisocket, .mixed, .relay]
    /// Kinds whose engines run on a chosen `--backend`.
    private static let backendKinds = Set(EngineKind.allCases.filter(\.hasBackend))

    public static let backend = choice(
        "backend",
        Backend.self,
        kinds: backendKinds,
        kindsPhrase: "echo and relay engines (other kinds run on udplab's reactor)",
        defaultText: Backend.default.rawValue,
        help:
            "The I/O model of an echo or relay engine: \(Backend.allCases.map(\.rawValue).joined(separator: ", ")) (a relay: \(Backend.allCases.filter { $0.traits.refusesRelay == nil }.map(\.rawValue).joined(separator: ", "))): udplabctl backends says what each is and which seed program it mirrors.",
        assign: { $0.backend = $1 },
        read: { $0.backend == .default ? nil : $0.backend }
    )

    public static let strategy = choice(
        "strategy",
        Strategy.self,
        kinds: [.multisocket],
        kindsPhrase: "multisocket engines",
        defaultText: Strategy.default.rawValue,
        help:
            "How a multisocket engine drives its sockets: join (one task; every wakeup polls all sockets' futures), spawn (a task per socket), unordered (one task; only the woken futures are polled) or taskgroup (Swift structured concurrency: a child task per socket).",
        assign: { $0.strategy = $1 },
        read: { $0.strategy }
    )

    public static let bind = EngineOption(
        name: "bind",
        values: .address,
        valueName: "host:port",
        kinds: Set(EngineKind.allCases),
        kindsPhrase: "all engines",
        backends: nil,
        defaultDescription: { _ in EngineSpec.defaultBind.description },
        help:
            "Address to bind, numeric: HOST:PORT, or IPv6 in brackets, [::1]:2000; port 0 picks a free one. Ports below 1024 need CAP_NET_BIND_SERVICE (the shipped service has it).",
        assign: { spec, value throws(Refusal) in
            guard let text = value.text else { throw .invalid("must be an address, not \(value)") }
            do {
                spec.bind = try SocketAddress(parsing: text)
            } catch {
                throw .invalid("\(error)")
            }
        },
        read: { $0.bind == EngineSpec.defaultBind ? nil : .text($0.bind.description) }
    )

    public static let dualStack = flag(
        "dual-stack",
        kinds: socketKinds,
        kindsPhrase: "engines with sockets",
        help:
            "Serve IPv4 too on an IPv6 --bind such as [::]:2000 (IPV6_V6ONLY off; IPv4 peers show as IPv4). Without it an IPv6 engine is IPv6-only, whatever net.ipv6.bindv6only says.",
        assign: { $0.dualStack = $1 ? true : nil },
        read: { $0.isDualStack }
    )

    public static let count = integer(
        "count",
        range: 1...1024,
        kinds: [.multisocket],
        kindsPhrase: "multisocket engines",
        defaultText: String(EngineSpec.defaultCount),
        help: "Sockets a multisocket engine opens, on consecutive ports from --bind.",
        field: \.count
    )

    public static let queue = integer(
        "queue",
        range: 1...4096,
        kinds: backendKinds,
        kindsPhrase: "echo and relay engines",
        defaultDescription: { queue in
            perBackend(queue) { traits in traits.queueHoldsBatch ? "at least --batch" : String(traits.defaultQueue) }
        },
        help:
            "Outgoing queue capacity in datagrams: exactly N wait, and a datagram that finds the queue full is dropped and counted (the seed's len > 8 check held 9). On nio-async the reader waits for room instead; on uring it is the number of receive buffers, and datagrams wait in the kernel. A relay engine gives each consumer a queue of N: when its datagrams cannot be sent as fast as they come, it loses its own oldest, counted in its dropped.",
        field: \.queue
    )

    public static let buffer = integer(
        "buffer",
        range: 1...65535,
        unit: "bytes",
        valueName: "bytes",
        kinds: socketKinds,
        kindsPhrase: "engines with sockets",
        defaultText: "\(EngineSpec.defaultBuffer) (multisocket \(EngineSpec.multisocketBuffer))",
        help:
            "Receive buffer per datagram; a longer datagram is truncated (an echo engine echoes what fits) and counted in truncated.",
        field: \.buffer
    )

    public static let budget = integer(
        "budget",
        range: 0...1_000_000,
        kinds: backendKinds,
        kindsPhrase: "echo and relay engines",
        defaultDescription: { budget in
            perBackend(budget) { String($0.defaultBudget) } + "; a relay \(EngineSpec.relayBudget)"
        },
        help:
            "Datagrams handled per readiness event before yielding (a relay: per socket, producers' and consumers'); 0 drains until would-block. On nio it is NIO's maxMessagesPerRead, 1–1024.",
        field: \.budget
    )

    public static let batch = integer(
        "batch",
        range: 1...1024,
        kinds: backendKinds,
        kindsPhrase: "echo and relay engines with backend mmsg, uring or gso",
        backends: [.mmsg, .uring, .gso],
        defaultText: String(EngineSpec.defaultBatch),
        help:
            "Datagrams per recvmmsg/sendmmsg on backend mmsg, completions handled per io_uring_enter on backend uring, or 64 KiB receive buffers per recvmmsg (each one datagram or a GRO train) and messages per sendmmsg on backend gso. A relay on uring also sends at most N per round, one to each consumer in turn.",
        field: \.batch
    )

    public static let threads = integer(
        "threads",
        range: 1...64,
        kinds: [.echo],
        kindsPhrase: "echo engines",
        defaultText: "1",
        help:
            "Loop threads of an echo engine, each with its own socket on the one address (SO_REUSEPORT), started and stopped as one engine; the kernel spreads the datagrams over them as --steer says. Counters are the threads' sum; stats show each thread's share.",
        field: \.threads
    )

    public static let steer = choice(
        "steer",
        Steer.self,
        valueName: "mode",
        kinds: [.echo],
        kindsPhrase: "echo engines",
        defaultText: Steer.default.rawValue,
        help:
            "How --threads share the datagrams: hash (the kernel's SO_REUSEPORT hash of addresses and ports: one flow, one thread) or cpu (a classic-BPF program sends each datagram to the thread of the CPU that received it, cpu % threads, and each thread is pinned to its CPU).",
        assign: { $0.steer = $1 },
        read: { $0.steer }
    )

    public static let reply = choice(
        "reply",
        ReplyMode.self,
        valueName: "mode",
        kinds: [.echo],
        kindsPhrase: "echo engines",
        defaultText: ReplyMode.default.rawValue,
        help:
            "What an echo engine sends back: echo (every datagram as received) or sockperf (what sockperf server answers: only a sockperf request with PONG_REQUEST set and WARMUP clear, with its CLIENT flag cleared; other datagrams get no reply and are counted in unanswered, so sockperf ping-pong, under-load and throughput report what they report against sockperf's own server).",
        assign: { $0.reply = $1 },
        read: { $0.reply }
    )

    public static let denySourcePorts = EngineOption(
        name: "deny-source-ports",
        values: .text(
            syntax: "`default`, `none`, ports and ranges `A-B` by commas (`default,4789`)",
            example: "default,4789"
        ),
        valueName: "ports",
        kinds: [.echo],
        kindsPhrase: "echo engines",
        backends: nil,
        defaultDescription: { _ in SourcePortList.default.description },
        help:
            "Source ports whose datagrams get no echo, counted in policy_drops: the loop and reflection guard. default is the ports of services that answer any datagram (echo 7, daytime 13, qotd 17, chargen 19, time 37, DNS 53, NTP 123, NetBIOS 137-138, SNMP 161-162, CLDAP 389, SSDP 1900, mDNS 5353, memcached 11211, ... and 0), so that an echo cannot loop with them or be reflected at them; none echoes every port; a list such as default,4789 or 7,19,9000-9010 denies those.",
        assign: { spec, value throws(Refusal) in
            guard let text = value.text else { throw .invalid("must be a port list, not \(value)") }
            do throws(SourcePortList.ParseError) {
                spec.denySourcePorts = try SourcePortList(parsing: text)
            } catch {
                throw .invalid(error.description)
            }
        },
        read: { $0.denySourcePorts.map { .text($0.description) } }
    )

    public static let rateLimit = EngineOption(
        name: "rate-limit",
        values: .text(syntax: "`PPS` or `PPS/BURST`, each 1–100000000", example: "100/20"),
        valueName: "pps[/burst]",
        kinds: [.echo],
        kindsPhrase: "echo engines",
        backends: nil,
        defaultDescription: { _ in "off" },
        help:
            "Echoes per second to one source prefix (--rate-limit-prefix), as DNS response-rate limiting does: a token bucket of BURST (default PPS) per prefix, in a fixed table of \(RateLimit.tableCapacity) prefixes that spoofed sources can evict from but not grow. Datagrams over it get no echo and are counted in rate_limited and policy_drops. Per loop thread with --threads.",
        assign: { spec, value throws(Refusal) in
            guard let text = value.text else { throw .invalid("must be PPS[/BURST], not \(value)") }
            do throws(RateLimit.ParseError) {
                spec.rateLimit = try RateLimit(parsing: text)
            } catch {
                throw .invalid(error.description)
            }
        },
        read: { $0.rateLimit.map { .text($0.description) } }
    )

    public static let rateLimitPrefix = EngineOption(
        name: "rate-limit-prefix",
        values: .text(syntax: "`V4/V6`, 0–32 and 0–128", example: "24/56"),
        valueName: "v4/v6",
        kinds: [.echo],
        kindsPhrase: "echo engines",
        backends: nil,
        defaultDescription: { _ in SourcePrefix.default.description },
        help:
            "The prefix lengths --rate-limit groups sources by: one bucket per IPv4 /V4 and per IPv6 /V6 network (24/56 is BIND's RRL default).",
        assign: { spec, value throws(Refusal) in
            guard let text = value.text else { throw .invalid("must be V4/V6, not \(value)") }
            do throws(SourcePrefix.ParseError) {
                spec.rateLimitPrefix = try SourcePrefix(parsing: text)
            } catch {
                throw .invalid(error.description)
            }
        },
        read: { $0.rateLimitPrefix.map { .text($0.description) } }
    )

    public static let rateLimitTotal = integer(
        "rate-limit-total",
        range: RateLimit.range,
        valueName: "pps",
        kinds: [.echo],
        kindsPhrase: "echo engines",
        defaultText: "off",
        help:
            "Echoes per second the engine sends in all, whatever the sources (a bucket of one second's worth); over it, datagrams get no echo and are counted in rate_limited and policy_drops. Per loop thread with --threads.",
        field: \.rateLimitTotal
    )

    public static let reflectTOS = flag(
        "reflect-tos",
        kinds: [.echo],
        kindsPhrase: "echo engines",
        help:
            "Send each echo with its request's traffic class, DSCP and ECN bits (read with IP_RECVTOS/IPV6_RECVTCLASS, sent with IP_TOS/IPV6_TCLASS), as TWAMP reflectors do; counted in tos_reflected.",
        assign: { $0.reflectTOS = $1 ? true : nil },
        read: { $0.reflectsTOS }
    )

    public static let consumerBind = EngineOption(
        name: "consumer-bind",
        values: .address,
        valueName: "host:port",
        kinds: [.relay],
        kindsPhrase: "relay engines",
        backends: nil,
        defaultDescription: { _ in "--bind's host, the next port" },
        help:
            "Where a relay engine's consumers register (the datagram 1), leave (0) and are sent every datagram that reaches --bind, numeric HOST:PORT; anything else a consumer sends is counted in consumer_ignored.",
        assign: { spec, value throws(Refusal) in
            guard let text = value.text else { throw .invalid("must be an address, not \(value)") }
            do {
                spec.consumerBind = try SocketAddress(parsing: text)
            } catch {
                throw .invalid("\(error)")
            }
        },
        read: { $0.consumerBind.map { .text($0.description) } }
    )

    public static let maxConsumers = integer(
        "max-consumers",
        range: 1...4096,
        kinds: [.relay],
        kindsPhrase: "relay engines",
        defaultText: String(EngineSpec.defaultMaxConsumers),
        help:
            "Consumers a relay engine holds at most; a registration beyond them is ignored and counted in consumers_refused.",
        field: \.maxConsumers
    )

    public static let consumerTimeout = EngineOption(
        name: "consumer-timeout",
        values: .seconds(0.01...86400),
        valueName: "duration",
        kinds: [.relay],
        kindsPhrase: "relay engines",
        backends: nil,
        defaultDescription: { _ in "off" },
        help:
            "Forget a relay consumer that has not registered again for this long (UDP has no disconnect; a consumer keeps its place by sending 1 again), counted in consumers_expired: 30s, 2m.",
        assign: { spec, value throws(Refusal) in
            guard let seconds = value.seconds else { throw .invalid("must be a duration, not \(value)") }
            spec.consumerTimeout = seconds
        },
        read: { $0.consumerTimeout.map(EngineOptionValue.seconds) }
    )

    public static let interval = EngineOption(
        name: "interval",
        values: .seconds(0.01...3600),
        valueName: "duration",
        kinds: [.mixed, .notify],
        kindsPhrase: "mixed and notify engines",
        backends: nil,
        defaultDescription: { _ in
            "\(Duration.seconds(EngineSpec.mixedInterval).shortText) mixed, "
                + "\(Duration.seconds(EngineSpec.notifyInterval).shortText) notify"
        },
        help: "Time between a mixed engine's timer events or a notify engine's notifications: 200ms, 1.5s, 2m.",
        assign: { spec, value throws(Refusal) in
            guard let seconds = value.seconds else { throw .invalid("must be a duration, not \(value)") }
            spec.interval = seconds
        },
        read: { $0.interval.map(EngineOptionValue.seconds) }
    )

    public static let polls = integer(
        "polls",
        range: 1...1_000_000,
        kinds: [.notify],
        kindsPhrase: "notify engines",
        defaultText: String(EngineSpec.defaultPolls),
        help: "Polls after which a notify engine completes and ends in state completed.",
        field: \.polls
    )

    public static let trace = flag(
        "trace",
        kinds: Set(EngineKind.allCases),
        kindsPhrase: "all engines",
        help:
            "The seed programs' per-event lines (recv N bytes from A., sent N bytes to A., total pending writes: K): printed by udplabd run; under the daemon, rate-limited debug journal entries.",
        assign: { $0.trace = $1 },
        read: { $0.trace }
    )
}

extension EngineOption {
    /// The option's default on each echo backend that takes it, grouped: the most common value
    /// first, then the others with their backends, `0 (1 on select, poll; 16 on nio)`.
    private static func perBackend(_ option: EngineOption, _ value: (BackendTraits) -> String) -> String {
        var groups: [(value: String, backends: [String])] = []
        for backend in Backend.allCases where backend.traits.refuses[option] == nil {
            let text = value(backend.traits)
            if let index = groups.firstIndex(where: { $0.value == text }) {
                groups[index].backends.append(backend.rawValue)
            } else {
                groups.append((text, [backend.rawValue]))
            }
        }
        // The largest group first; among equals, the one the first backend is in.
        let ordered = groups.enumerated().sorted { a, b in
            a.element.backends.count != b.element.backends.count
                ? a.element.backends.count > b.element.backends.count : a.offset < b.offset
        }.map(\.element)
        guard let common = ordered.first else { return "" }
        let others = ordered.dropFirst().map { "\($0.value) on \($0.backends.joined(separator: ", "))" }
        return others.isEmpty ? common.value : "\(common.value) (\(others.joined(separator: "; ")))"
    }

    /// An option that takes a whole number, stored in `field`.
    private static func integer(
        _ name: String,
        range: ClosedRange<Int>,
        unit: String? = nil,
        valueName: String = "n",
        kinds: Set<EngineKind>,
        kindsPhrase: String,
        backends: Set<Backend>? = nil,
        defaultText: String? = nil,
        defaultDescription: (@Sendable (EngineOption) -> String)? = nil,
        help: String,
        field: WritableKeyPath<EngineSpec, Int?> & Sendable
    ) -> EngineOption {
        EngineOption(
            name: name,
            values: .integer(range, unit: unit),
            valueName: valueName,
            kinds: kinds,
            kindsPhrase: kindsPhrase,
            backends: backends,
            defaultDescription: defaultDescription ?? { _ in defaultText ?? "" },
            help: help,
            assign: { spec, value throws(Refusal) in
                guard let integer = value.integer else { throw .invalid("must be an integer, not \(value)") }
                spec[keyPath: field] = integer
            },
            read: { $0[keyPath: field].map(EngineOptionValue.integer) }
        )
    }

    /// An option that takes one of `T`'s names.
    private static func choice<T: CaseIterable & RawRepresentable<String> & Sendable>(
        _ name: String,
        _ type: T.Type,
        valueName: String? = nil,
        kinds: Set<EngineKind>,
        kindsPhrase: String,
        defaultText: String,
        help: String,
        assign: @escaping @Sendable (inout EngineSpec, T) -> Void,
        read: @escaping @Sendable (EngineSpec) -> T?
    ) -> EngineOption {
        EngineOption(
            name: name,
            values: .choice(T.allCases.map(\.rawValue)),
            valueName: valueName ?? name,
            kinds: kinds,
            kindsPhrase: kindsPhrase,
            backends: nil,
            defaultDescription: { _ in defaultText },
            help: help,
            assign: { spec, value throws(Refusal) in
                guard let text = value.text else { throw .invalid("must be a name, not \(value)") }
                guard let chosen = T(rawValue: text) else { throw .unknown(text) }
                assign(&spec, chosen)
            },
            read: { read($0).map { .text($0.rawValue) } }
        )
    }

    /// An option that is on or off, off by default.
    private static func flag(
        _ name: String,
        kinds: Set<EngineKind>,
        kindsPhrase: String,
        help: String,
        assign: @escaping @Sendable (inout EngineSpec, Bool) -> Void,
        read: @escaping @Sendable (EngineSpec) -> Bool
    ) -> EngineOption {
        EngineOption(
            name: name,
            values: .flag,
            valueName: "",
            kinds: kinds,
            kindsPhrase: kindsPhrase,
            backends: nil,
            defaultDescription: { _ in "off" },
            help: help,
            assign: { spec, value throws(Refusal) in
                guard let flag = value.flag else { throw .invalid("must be true or false, not \(value)") }
                assign(&spec, flag)
            },
            read: { read($0) ? .flag(true) : nil }
        )
    }
}
