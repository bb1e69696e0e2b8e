extension DaemonConfig {
    /// The config used when there is no `/etc/udplabd/udplabd.toml` and no `--config`: one echo
    /// engine on reactor-edge at 127.0.0.1:2000, every other key shown commented out with its
    /// default.
    /// - Important: Byte for byte the text of `packaging/udplabd.toml`, the commented example for
    ///   `/etc/udplabd/udplabd.toml`; a test compares the two. Edit that file, then paste it here.
    static let embeddedDefaultText = #"""
        # udplabd configuration (TOML): /etc/udplabd/udplabd.toml, or the file given with --config.
        #
        # Without that file udplabd uses this one, which is built into it; `make run` starts it too.
        # Check a file without starting anything:  udplabd check-config --config PATH
        # Every key is optional. A commented-out key shows its default.

        # The daemon itself.
        [daemon]

        # Path of the control socket, where udplabctl (or any varlink client) connects. Default:
        # /run/udplabd.sock for root, $XDG_RUNTIME_DIR/udplabd.sock otherwise. --socket overrides it.
        #socket = "/run/udplabd.sock"

        # Permission bits of the control socket, in octal ("0660" or 0o660). Whoever can connect may
        # list engines and read statistics; only root, udplabd's own user and members of group udplab
        # may also start and stop engines. "0660" keeps everyone else out. Default "0666".
        #socket_mode = "0666"

        # Where engines started with `udplabctl start` are remembered (engines.json) across restarts.
        # Default: $STATE_DIRECTORY if set, else /var/lib/udplabd for root and $XDG_STATE_HOME/udplabd
        # otherwise. --state-dir overrides it.
        #state_dir = "/var/lib/udplabd"

        # How often each engine's counters are logged (and once more when it stops): "500ms", "60s",
        # "2m", "1h" (1ms to 24h), or an integer number of seconds. Default "60s".
        #stats_interval = "60s"

        # The least severe messages logged: trace, debug, info, notice, warning, error or critical.
        # --log-level and `udplabctl log-level` override it. Default "info".
        #log_level = "info"

        # Engines: each [[engine]] table is started at boot. `udplabctl reload` (or SIGHUP) checks the
        # whole file first, then starts new engines, stops removed ones and restarts changed ones.
        # The keys are the options of `udplabctl start`.
        [[engine]]

        # A unique name: 1–63 characters of A–Z, a–z, 0–9, '_', '.' and '-'. Default: the kind.
        name = "echo"

        # What the engine does. Default "echo": send each datagram back to its sender. The diagnostic
        # kinds multisocket, mixed, notify and empty are shown at the end (`udplabctl backends`).
        kind = "echo"

        # The I/O model of an echo engine: select, poll, epoll-level, epoll-edge, reactor-level,
        # reactor-edge, flipflop, task, task-mpsc, mmsg, uring, nio or nio-async (`udplabctl backends`
        # describes each). Other kinds run on udplab's own reactor and take no backend. Default
        # "reactor-edge".
        backend = "reactor-edge"

        # The address to bind, numeric: "HOST:PORT" or "[IPv6]:PORT". Default "127.0.0.1:2000".
        bind = "127.0.0.1:2000"

        # With an IPv6 bind, also serve IPv4 (IPV6_V6ONLY off): "[::]:2000" then answers 127.0.0.1 too,
        # and IPv4 peers show as IPv4. Without it an IPv6 engine is IPv6-only, whatever the sysctl
        # net.ipv6.bindv6only says. Not for an IPv4 bind. Default false.
        #dual_stack = false

        # Outgoing queue capacity in datagrams, 1–4096; a datagram that finds it full is dropped and
        # counted. Not for flipflop, which holds exactly one, nor nio. Default 8 (32 on nio-async); for
        # mmsg and uring, at least one batch. On nio-async the reader waits instead; on uring it is the
        # ring of receive buffers, and datagrams wait in the kernel.
        #queue = 8

        # Receive buffer per datagram in bytes, 1–65535; a longer datagram is truncated and counted.
        # Default 1500.
        #buffer = 1500

        # Datagrams handled per readiness event before the engine waits again, 0–1000000; 0 drains
        # until the socket would block. Default 1 on level-triggered backends, 0 on edge-triggered ones;
        # on nio, NIO's maxMessagesPerRead, 1–1024, default 16. Not for nio-async or uring.
        #budget = 0

        # What an echo engine sends back: "echo" (every datagram as received) or "sockperf" (what
        # sockperf's server answers: only a sockperf request with PONG_REQUEST set and WARMUP clear, as
        # that request with its CLIENT flag cleared; other datagrams get no reply and are counted in
        # unanswered). Default "echo".
        #reply = "echo"

        # Emit the seed programs' per-event lines (recv …, sent …, total pending writes). Default false.
        #trace = false

        # Keys of other backends and kinds, shown in the examples below:
        #   batch     echo on backend mmsg: datagrams per recvmmsg/sendmmsg; on uring: completions
        #             handled per io_uring_enter. 1–1024. Default 32.
        #   strategy  multisocket: how its sockets are polled: join, spawn, unordered or taskgroup.
        #             Default "unordered".
        #   count     multisocket: sockets on consecutive ports from bind, 1–1024. Default 10.
        #   interval  mixed: time between timer events, default "3s"; notify: time between
        #             notifications, default "1s". "200ms", "3s", "2m" or a number of seconds; 10ms to 1h.
        #   polls     notify: polls after which the engine completes, 1–1000000. Default 10.

        # A second engine, to compare two I/O models side by side:
        #[[engine]]
        #name = "echo-level"
        #backend = "epoll-level"
        #bind = "127.0.0.1:2001"
        #queue = 64

        # An IPv6 engine on every interface, for datagrams up to 64 KiB (dual_stack = true: IPv4 too):
        #[[engine]]
        #name = "echo6"
        #backend = "epoll-edge"
        #bind = "[::]:2002"
        #buffer = 65535

        # recvmmsg/sendmmsg batches, with replies sockperf's client accepts
        # (`sockperf ping-pong -i 127.0.0.1 -p 2003`):
        #[[engine]]
        #name = "echo-mmsg"
        #backend = "mmsg"
        #bind = "127.0.0.1:2003"
        #batch = 32
        #reply = "sockperf"

        # Ten sockets on ports 2010–2019, each drained and counted, never echoed; with "join" every
        # wakeup polls all ten futures, with "unordered" only the woken one:
        #[[engine]]
        #name = "multi"
        #kind = "multisocket"
        #strategy = "join"
        #bind = "127.0.0.1:2010"
        #count = 10

        # One socket plus a timer event every interval, both through one reactor:
        #[[engine]]
        #name = "mixed"
        #kind = "mixed"
        #bind = "127.0.0.1:2020"
        #interval = "3s"

        # One future re-notified every interval; after its last poll the engine ends "completed":
        #[[engine]]
        #name = "notify"
        #kind = "notify"
        #interval = "1s"
        #polls = 10

        """#
}
