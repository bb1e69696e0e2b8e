import NIOCore
import NIOHTTP1

/// One connection of the metrics endpoint: `GET` (or `HEAD`) `/metrics` gets the exposition,
/// any other path `404`, any other method `405`; a request body is read and ignored.
///
/// A deadline closes the connection when a request has not fully arrived
/// ``MetricsHTTPServer/requestTimeout`` after the connection opened or the last response went.
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let exposition: @Sendable (_ accept: String?) async -> (ExpositionFormat, [UInt8])
    private var head: HTTPRequestHead?
    private var deadline: Scheduled<Void>?

    init(exposition: @escaping @Sendable (_ accept: String?) async -> (ExpositionFormat, [UInt8])) {
        self.exposition = exposition
    }

    func handlerAdded(context: ChannelHandlerContext) {
        armDeadline(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    /// A request NIOHTTP1 cannot parse (a head over its limit, say) has had its `400` from the
    /// pipeline's error handler: the connection ends here.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            deadline?.cancel()
            deadline = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        guard path == "/metrics" else {
            write(
                status: .notFound,
                type: "text/plain; charset=utf-8",
                body: Array("not found: try /metrics\n".utf8),
                head,
                context
            )
            return
        }
        guard head.method == .GET || head.method == .HEAD else {
            write(
                status: .methodNotAllowed,
                type: "text/plain; charset=utf-8",
                body: Array("use GET\n".utf8),
                head,
                context
            )
            return
        }
        let accept = head.headers.first(name: "accept")
        let exposition = self.exposition
        let promise = context.eventLoop.makePromise(of: (ExpositionFormat, [UInt8]).self)
        promise.completeWithTask { await exposition(accept) }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        promise.futureResult.whenSuccess { format, body in
            let (handler, context) = bound.value
            handler.write(status: .ok, type: format.contentType, body: body, head, context)
        }
    }

    private func write(
        status: HTTPResponseStatus,
        type: String,
        body: [UInt8],
        _ request: HTTPRequestHead,
        _ context: ChannelHandlerContext
    ) {
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: type)
        headers.add(name: "content-length", value: "\(body.count)")
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "connection", value: "close") }
        let response = HTTPResponseHead(version: request.version, status: status, headers: headers)
        context.write(wrapOutboundOut(.head(response)), promise: nil)
        if request.method != .HEAD {
            context.write(
                wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))),
                promise: nil
            )
        }
        let done = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
        if keepAlive {
            armDeadline(context)
        } else {
            let channel = context.channel
            done.futureResult.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Closes the connection unless a whole request arrives in time.
    private func armDeadline(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: MetricsHTTPServer.requestTimeout) {
            channel.close(promise: nil)
        }
    }
}
