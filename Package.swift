// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "udplab",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "udplabd", targets: ["Daemon"]),
        .library(name: "UDPLabCore", targets: ["UDPLabCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        // The only C view of systemd (sd-daemon, sd-journal); see Core/Systemd.
        .systemLibrary(
            name: "CSystemd",
            path: "Sources/CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        // What Glibc does not import: epoll, eventfd, the FD_SET macros.
        .target(name: "CLinux", path: "Sources/CLinux"),
        .target(
            name: "UDPLabCore",
            dependencies: [
                "CLinux",
                "CSystemd",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Sources/Core"
        ),
        .executableTarget(
            name: "Daemon",
            dependencies: [
                "UDPLabCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/Daemon"
        ),
        .testTarget(name: "CoreTests", dependencies: ["UDPLabCore"], path: "Tests/CoreTests"),
        .testTarget(name: "DaemonTests", dependencies: ["UDPLabCore", "Daemon"], path: "Tests/DaemonTests"),
    ]
)
