import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import UDPLabOS

/// The metrics endpoint: `GET /metrics` over HTTP/1.1 on one TCP address, served by SwiftNIO
/// (NIOHTTP1) on an event loop of its own, so nothing it does runs on an engine's thread.
///
/// Limits, so that no client can hold it: at most ``maximumConnections`` at once (one more is
/// closed at once), a request's head at most NIOHTTP1's 80 KiB (more is a `400` and a close), and
/// each request must have fully arrived ``requestTimeout`` after the connection opened or the
/// previous response went (a client that trickles or idles is closed).
public final class MetricsHTTPServer: Sendable {
    /// Connections served at once.
    public static let maximumConnections = 256
    /// How long a request may take to arrive, and a connection may idle between requests.
    public static let requestTimeout = TimeAmount.seconds(10)

    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    /// Where it listens (the kernel's port for port 0).
    public let localAddress: UDPLabOS.SocketAddress

    /// Why the endpoint cannot listen.
    public struct OpenError: Error, CustomStringConvertible {
        public let description: String
    }

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel, localAddress: UDPLabOS.SocketAddress) {
        self.group = group
        self.channel = channel
        self.localAddress = localAddress
    }

    /// Listens on `address` and serves `/metrics` with what `exposition` returns for a request's
    /// `Accept` header (its format and body).
    public static func start(
        on address: UDPLabOS.SocketAddress,
        exposition: @escaping @Sendable (_ accept: String?) async -> (ExpositionFormat, [UInt8])
    ) throws(OpenError) -> MetricsHTTPServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let connections = Atomic<Int>(0)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let open = connections.wrappingAdd(1, ordering: .relaxed).newValue
                    channel.closeFuture.whenComplete { _ in connections.subtract(1, ordering: .relaxed) }
                    guard open <= maximumConnections else {
                        channel.close(promise: nil)
                        return
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(exposition: exposition))
                }
            }
        do {
            let channel = try bootstrap.bind(host: address.host, port: Int(address.port)).wait()
            let port = UInt16(clamping: channel.localAddress?.port ?? Int(address.port))
            return MetricsHTTPServer(group: group, channel: channel, localAddress: address.withPort(port))
        } catch {
            try? group.syncShutdownGracefully()
            throw OpenError(description: "cannot listen on \(address) for metrics: \(error)")
        }
    }

    /// Closes the listener and every connection, and ends the event loop.
    public func stop() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
}
