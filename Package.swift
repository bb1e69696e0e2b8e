// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "udplab",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "udplabd", targets: ["Daemon"]),
        .executable(name: "udplabctl", targets: ["CtlClient"]),
        .executable(name: "udplab-control-bench", targets: ["ControlRoundTrip"]),
        .executable(name: "udplab-internals", targets: ["Internals"]),
        .library(name: "UDPLabCore", targets: ["UDPLabCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
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
        .target(
            name: "UDPLabCore",
            dependencies: [
                "CLinux",
                "CSystemd",
                "CURing",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources",
            exclude: ["CLinux", "CSystemd", "CURing", "CtlClient", "Daemon"]
        ),
        .executableTarget(
            name: "Daemon",
            dependencies: [
                "UDPLabCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            path: "Sources/Daemon"
        ),
        .executableTarget(
            name: "CtlClient",
            dependencies: [
                "UDPLabCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Sources/CtlClient"
        ),
        .executableTarget(
            name: "ControlRoundTrip",
            dependencies: ["UDPLabCore", .product(name: "Histogram", package: "hdrhistogram-swift")],
            path: "Benchmarks/ControlRoundTrip"
        ),
        .executableTarget(name: "Internals", dependencies: ["UDPLabCore"], path: "Benchmarks/Internals"),
        .testTarget(name: "CtlClientTests", dependencies: ["CtlClient", "UDPLabCore"], path: "Tests/CtlClientTests"),
        .testTarget(name: "CoreTests", dependencies: ["UDPLabCore"], path: "Tests/CoreTests"),
        .testTarget(
            name: "DaemonTests",
            dependencies: ["UDPLabCore", "Daemon", "CtlClient"],
            path: "Tests/DaemonTests"
        ),
    ]
)
