/// The `io.udplab` interface description (varlink IDL), served by `GetInterfaceDescription`.
///
/// It is the text of `packaging/io.udplab.varlink`; a test keeps the two identical.
extension ControlProtocol {
    public static let interfaceDescription = """
        # udplab's control interface: start, stop and observe UDP engines in udplabd.
        # Served on /run/udplabd.sock (root) or $XDG_RUNTIME_DIR/udplabd.sock; see docs/protocol.md.
        # Mutating methods (Start, Stop, Restart, Reload, SetLogLevel) need root, the daemon's uid or group udplab.
        interface io.udplab

        # Options are as given (absent: the default, or not for this kind); strategy is the one in force
        # (multisocket only). addresses: every bound address, in socket order (none for notify and empty).
        type EngineInfo (
          name: string,
          kind: string,
          backend: string,
          strategy: ?string,
          bind: string,
          address: string,
          addresses: []string,
          state: string,
          failure: ?string,
          origin: string,
          transient: bool,
          count: ?int,
          queue: ?int,
          buffer: ?int,
          budget: ?int,
          batch: ?int,
          reply: ?string,
          interval: ?float,
          polls: ?int,
          trace: bool,
          dual_stack: ?bool,
          threads: ?int,
          steer: ?string,
          deny_source_ports: ?string,
          rate_limit: ?string,
          rate_limit_prefix: ?string,
          rate_limit_total: ?int,
          reflect_tos: ?bool,
          consumer_bind: ?string,
          max_consumers: ?int,
          consumer_timeout: ?float,
          started_usec: int
        )

        # The loop counters (?int) are left out where the engine's backend cannot see them
        # (nio, nio-async: SwiftNIO's own loop): absent, not 0.
        type Counters (
          rx_datagrams: int,
          rx_bytes: int,
          tx_datagrams: int,
          tx_bytes: int,
          dropped: int,
          unanswered: int,
          kernel_drops: int,
          truncated: int,
          recv_would_block: ?int,
          send_would_block: ?int,
          errors: int,
          wakeups: ?int,
          empty_wakeups: ?int,
          events: ?int,
          interest_changes: ?int,
          syscalls: ?int,
          waker_writes: ?int,
          queue_high_water: int,
          task_polls: ?int,
          future_polls: ?int,
          timer_events: int,
          gro_buffers: int,
          gso_sends: int,
          gso_fallbacks: int,
          policy_drops: int,
          rate_limited: int,
          pktinfo_replies: int,
          tos_reflected: int,
          consumer_ignored: int,
          consumers_refused: int,
          consumers_expired: int
        )

        type Residence (count: int, p50: int, p99: int, p999: int, max: int)

        # Datagrams received on one socket of an engine that has several.
        # thread: the --threads lane whose socket this is (its sockets share one address).
        type SocketStats (address: string, rx_datagrams: int, thread: ?int)

        # One consumer of a relay engine: relayed, sent to it; dropped, lost in the relay (its
        # queue of --queue was full, or the send failed); queue_high_water, most owed at once.
        type ConsumerStats (address: string, relayed: int, dropped: int, queue_high_water: int)

        # sockets: per-socket receive counts, in socket order; empty unless the engine has more than one.
        # consumers: a relay engine's registered consumers, in registration order (absent for other kinds).
        type EngineStats (
          name: string,
          kind: string,
          backend: string,
          strategy: ?string,
          state: string,
          address: string,
          started_usec: int,
          counters: Counters,
          residence_ns: Residence,
          sockets: []SocketStats,
          consumers: ?[]ConsumerStats
        )

        type BackendInfo (name: string, kinds: []string, trigger: string, mirrors: string, summary: string, available: bool)

        type KindInfo (name: string, summary: string, mirrors: string)

        type StrategyInfo (name: string, summary: string, mirrors: string)

        # Starts an engine and, unless transient, saves it to engines.json; replies once it is bound.
        # The options are udplabctl start's (udplabctl(1)), dual_stack for --dual-stack, reflect_tos for --reflect-tos; interval is
        # in seconds. The daemon rejects an option its kind or backend does not take (InvalidSpec).
        method Start(
        \(StartMethod.Parameters.interfaceFields)
        ) -> (engine: EngineInfo)

        # Stops the named engines, or all of them; replies once their sockets are closed.
        method Stop(names: ?[]string, all: ?bool) -> (stopped: []string)

        # Stops an engine and starts it again with the same definition, origin and persistence.
        method Restart(name: string) -> (engine: EngineInfo)

        method List() -> (engines: []EngineInfo)

        # With "more", replies again every interval seconds (default 1) until the client disconnects.
        method Stats(names: ?[]string, interval: ?float) -> (engines: []EngineStats)

        method Backends() -> (backends: []BackendInfo, kinds: []KindInfo, strategies: []StrategyInfo)

        method Status() -> (
          version: string,
          interface_version: int,
          pid: int,
          started_usec: int,
          engines: int,
          running: int,
          socket: string,
          state_dir: string,
          config: string,
          log_level: string
        )

        # Validates the whole config file, then starts, stops and restarts declared engines; all or nothing.
        method Reload() -> (started: []string, stopped: []string, restarted: []string, unchanged: []string)

        method SetLogLevel(level: string) -> ()

        error EngineNotFound (name: string)
        error EngineExists (name: string)
        error InvalidSpec (reason: string)
        error AddressInUse (address: string, engine: ?string)
        error BackendUnavailable (backend: string, reason: string)
        error PermissionDenied (method: string)
        error LimitReached (limit: string, maximum: int)
        error ProtocolError (reason: string)
        error InternalError (reason: string)
        """
}
