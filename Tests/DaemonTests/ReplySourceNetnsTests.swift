import Foundation
import Testing

/// Issue 14, item 1 on a real path: the server namespace holds a second address on its veth
/// (198.18.0.5, fd00::5) besides the first (198.18.0.1, fd00::1), and its route to the client
/// picks the first as the source. A client asks each address of a udplabd echo engine on a
/// wildcard address and must get every reply from the address it asked, on every backend that
/// serves a wildcard bind; the SwiftNIO backends refuse one, saying why. Without IP_PKTINFO
/// (udplab before this issue) the replies to .5 came from .1.
///
/// Root only, as every namespace test: CI runs as root, so these run there.
@Suite(
    "Replies from the address asked, across namespaces",
    .enabled(if: NetnsPath.isAvailable, "SKIPPED: network namespaces need root (bench/netns.sh); run the tests as root")
)
struct ReplySourceNetnsTests {
    static let secondIPv4 = "198.18.0.5"
    static let secondIPv6 = "fd00::5"

    /// The backends that serve a wildcard bind: all but nio and nio-async.
    static let backends = [
        "select", "poll", "epoll-level", "epoll-edge", "reactor-level", "reactor-edge", "flipflop", "task",
        "task-mpsc", "mmsg", "uring", "gso",
    ]

    /// Where each family's engine binds and the addresses its client asks.
    static let families: [(name: String, arguments: [String], asked: [String])] = [
        ("IPv4", ["--bind", "0.0.0.0:0"], [NetnsPath.serverIPv4, secondIPv4]),
        ("IPv6", ["--bind", "[::]:0"], [NetnsPath.serverIPv6, secondIPv6]),
        (
            "dual-stack", ["--bind", "[::]:0", "--dual-stack"],
            [NetnsPath.serverIPv4, secondIPv4, NetnsPath.serverIPv6, secondIPv6]
        ),
    ]

    @Test("Every reply comes from the address asked, on every backend: IPv4, IPv6 and dual-stack")
    func everyBackendRepliesFromAddressAsked() throws {
        let path = try NetnsPath()
        try addSecondAddresses(on: path)
        for backend in Self.backends {
            for family in Self.families {
                let answers = try ask(path, backend: backend, family.arguments, family.asked)
                for asked in family.asked {
                    #expect(
                        answers[asked] == asked,
                        "\(backend) \(family.name): asked \(asked), reply from \(answers[asked] ?? "?")"
                    )
                }
            }
        }
    }

    @Test("nio and nio-async refuse a wildcard bind with the reason")
    func nioRefusesWildcard() throws {
        for backend in ["nio", "nio-async"] {
            let (status, stdout, stderr) = try ChildProcess.runUdplabd([
                "run", "echo", "--backend", backend, "--bind", "0.0.0.0:0",
            ])
            #expect(status != 0, "\(stdout)")
            #expect(stderr.contains("IP_PKTINFO"), "\(stderr)")
        }
    }

    /// Gives the server a second address of each family and the client a route to it.
    private func addSecondAddresses(on path: NetnsPath) throws {
        let server = path.namespace(.server)
        let client = path.namespace(.client)
        for command in [
            ["-n", server, "addr", "add", "\(Self.secondIPv4)/32", "dev", path.link(.server)],
            ["-n", server, "addr", "add", "\(Self.secondIPv6)/128", "dev", path.link(.server), "nodad"],
            ["-n", client, "route", "add", "\(Self.secondIPv4)/32", "dev", path.link(.client)],
            ["-n", client, "route", "add", "\(Self.secondIPv6)/128", "dev", path.link(.client)],
        ] {
            let (status, stdout, stderr) = try ChildProcess.run("/usr/sbin/ip", command)
            guard status == 0 else { throw ChildFailure("ip \(command.joined(separator: " ")): \(stdout)\(stderr)") }
        }
    }

    /// Runs an engine on `backend` with `arguments` in the server namespace, asks each of `asked`
    /// from the client namespace, and returns where each reply came from.
    private func ask(
        _ path: NetnsPath,
        backend: String,
        _ arguments: [String],
        _ asked: [String]
    ) throws -> [String: String] {
        let daemon = try path.start(
            .server,
            ChildProcess.productPath("udplabd"),
            ["run", "echo", "--backend", backend] + arguments
        )
        defer { if daemon.isRunning { daemon.kill() } }
        let listening = try daemon.waitForLine { $0.hasPrefix("listening on ") }
        let bound = String(listening.dropFirst("listening on ".count).split(separator: " ")[0])
        let port = String(bound.split(separator: ":").last ?? "")
        let script = ChildProcess.packageRoot.appendingPathComponent("Tests/Tools/ask-each.py").path
        let (status, stdout, stderr) = try path.run(.client, "/usr/bin/python3", [script, port] + asked)
        #expect(status == 0, "\(stderr)")
        daemon.interrupt()
        #expect(try daemon.waitForExit() == 0)
        var answers: [String: String] = [:]
        for line in stdout.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            if fields.count == 2 { answers[fields[0]] = fields[1] }
        }
        return answers
    }
}
