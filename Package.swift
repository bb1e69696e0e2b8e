// swift-tools-version:6.1
import PackageDescription

// Linux only (epoll, eventfd, io_uring, libsystemd): no Apple platform is claimed.
let package = Package(
    name: "udplab",
    products: [
        .executable(name: "udplabd", targets: ["Daemon"]),
        .executable(name: "udplabctl", targets: ["CtlClient"]),
        .executable(name: "udplab-control-bench", targets: ["ControlRoundTrip"]),
        .executable(name: "udplab-internals", targets: ["Internals"]),
        .executable(name: "udplab-starvation", targets: ["Starvation"]),
        .executable(name: "udplab-docs", targets: ["DocsTool"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // The only C view of systemd (sd-daemon, sd-journal); see Sources/Systemd.
        .systemLibrary(
            name: "CSystemd",
            path: "Sources/CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        // What Glibc does not import: epoll, eventfd, the FD_SET macros.
        .target(name: "CLinux", path: "Sources/CLinux"),
        // io_uring through liburing (liburing-dev), wrapped in plain functions: backend uring.
        .target(name: "CURing", path: "Sources/CURing", linkerSettings: [.linkedLibrary("uring")]),
        // The layers, lowest first; each target sees only those it names, so the compiler holds
        // the layering (docs/architecture.md).
        // The only libc callers: syscalls, descriptors as types, sockets, selectors.
        .target(
            name: "UDPLabOS",
            dependencies: ["CLinux"],
            path: "Sources/OS",
            exclude: ["URing"],
            swiftSettings: crossModuleInRelease
        ),
        // io_uring (liburing), the rest of the OS layer: a target of its own so that only the
        // engines link liburing, not udplabctl.
        .target(name: "UDPLabURing", dependencies: ["CURing", "UDPLabOS"], path: "Sources/OS/URing"),
        // The only libsystemd callers: sd_notify, socket activation, the journal.
        .target(
            name: "UDPLabSystemd",
            dependencies: ["CSystemd", "UDPLabOS", .product(name: "Logging", package: "swift-log")],
            path: "Sources/Systemd"
        ),
        // The wire and the engine data model: all udplabctl needs besides UDPLabOS.
        .target(name: "UDPLabProtocol", dependencies: ["UDPLabOS"], path: "Sources/Protocol"),
        // What engines run on: the reactor, the task executor, counters, the loop runtime and
        // every backend and diagnostic kind that is not SwiftNIO's.
        // The engine options on the command line, shared by udplabd run and udplabctl start, and
        // the docs rendered from the option and backend tables.
        .target(
            name: "UDPLabCommandLine",
            dependencies: [
                "UDPLabOS", "UDPLabProtocol", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/CommandLine"
        ),
        .executableTarget(name: "DocsTool", dependencies: ["UDPLabOS", "UDPLabCommandLine"], path: "Sources/DocsTool"),
        .target(
            name: "UDPLabEngineKit",
            dependencies: [
                "UDPLabOS",
                "UDPLabURing",
                "UDPLabProtocol",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            path: "Sources/Engines",
            exclude: ["Echo/NIO", "Factory"]
        ),
        // The backends that run on SwiftNIO's event loop: the only NIO importers.
        .target(
            name: "UDPLabNIOBackends",
            dependencies: [
                "UDPLabOS",
                "UDPLabProtocol",
                "UDPLabEngineKit",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/Engines/Echo/NIO"
        ),
        // The metrics endpoint: the Prometheus exposition (swift-prometheus) of the metric
        // catalogue, served over HTTP/1.1 by SwiftNIO; besides the NIO backends, the only NIO importer.
        .target(
            name: "UDPLabMetrics",
            dependencies: [
                "UDPLabOS",
                "UDPLabProtocol",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/Metrics"
        ),
        // Engine and EngineFactory, the one switch over kinds and backends.
        .target(
            name: "UDPLabEngines",
            dependencies: ["UDPLabOS", "UDPLabProtocol", "UDPLabEngineKit", "UDPLabNIOBackends"],
            path: "Sources/Engines/Factory"
        ),
        .executableTarget(
            name: "Daemon",
            dependencies: [
                "UDPLabOS",
                "UDPLabURing",
                "UDPLabSystemd",
                "UDPLabProtocol",
                "UDPLabEngineKit",
                "UDPLabEngines",
                "UDPLabCommandLine",
                "UDPLabMetrics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            path: "Sources/Daemon",
            // TOMLKit imports Foundation; without this its members (`String(format:)`,
            // `localizedDescription`) would resolve here and link Foundation's ICU data.
            swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")],
            plugins: ["EmbedDefaultConfig"]
        ),
        // Build time only: packaging/udplabd.toml into udplabd as a string constant.
        .executableTarget(name: "EmbedText", path: "Sources/EmbedText"),
        .plugin(
            name: "EmbedDefaultConfig",
            capability: .buildTool(),
            dependencies: ["EmbedText"],
            path: "Plugins/EmbedDefaultConfig"
        ),
        .executableTarget(
            name: "CtlClient",
            dependencies: [
                "UDPLabOS",
                "UDPLabProtocol",
                "UDPLabCommandLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Sources/CtlClient"
        ),
        .executableTarget(
            name: "ControlRoundTrip",
            dependencies: [
                "UDPLabOS",
                "UDPLabProtocol",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Benchmarks/ControlRoundTrip"
        ),
        .executableTarget(
            name: "Internals",
            dependencies: ["UDPLabOS", "UDPLabProtocol", "UDPLabEngines"],
            path: "Benchmarks/Internals"
        ),
        .executableTarget(
            name: "Starvation",
            dependencies: ["UDPLabOS", "UDPLabProtocol", "UDPLabEngines"],
            path: "Benchmarks/Starvation"
        ),
        .testTarget(
            name: "CtlClientTests",
            dependencies: ["CtlClient", "UDPLabOS", "UDPLabProtocol", "UDPLabEngines", "UDPLabCommandLine"],
            path: "Tests/CtlClientTests"
        ),
        .testTarget(
            name: "CoreTests",
            dependencies: [
                "UDPLabOS",
                "UDPLabURing",
                "UDPLabSystemd",
                "UDPLabProtocol",
                "UDPLabEngineKit",
                "UDPLabNIOBackends",
                "UDPLabEngines",
            ],
            path: "Tests/CoreTests"
        ),
        .testTarget(
            name: "DaemonTests",
            dependencies: [
                "UDPLabOS", "UDPLabProtocol", "UDPLabEngines", "Daemon", "CtlClient", "UDPLabCommandLine",
                "UDPLabMetrics",
            ],
            path: "Tests/DaemonTests"
        ),
    ]
)

/// Release builds of the OS target with whole cross-module optimization: its functions' bodies
/// are offered to the targets above, so the per-datagram calls from the engines into UDPLabOS
/// (receive, send, epoll_wait, the clock) are inlined as they were when both were one module
/// (docs/BENCHMARKS.md, issue 11: the split tree's edge backends against the one-module tree).
var crossModuleInRelease: [SwiftSetting] {
    [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]
}
