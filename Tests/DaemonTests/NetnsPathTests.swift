import Foundation
import Testing

/// Datagrams over a real network path (issue 12, item 4): a veth pair between two network
/// namespaces, where GRO coalesces datagrams sent one by one, as loopback never does.
///
/// Root only: without root `ip netns` cannot work, and the suite says so as its skip reason. CI
/// runs as root, so these run there.
@Suite(
    "Network path over veth between namespaces",
    .enabled(if: NetnsPath.isAvailable, "SKIPPED: network namespaces need root (bench/netns.sh); run the tests as root")
)
struct NetnsPathTests {
    /// Where the sender sends and the bursts it sends (`SIZExCOUNT,…`): single datagrams of 1, 64
    /// and 1472 bytes, and bursts coalesced into buffers whose last segment is short, over IPv4
    /// and IPv6.
    static let bursts: [(String, String)] = [
        (NetnsPath.serverIPv4, "1x64"),
        (NetnsPath.serverIPv4, "64x64"),
        (NetnsPath.serverIPv4, "1472x32"),
        (NetnsPath.serverIPv4, "1472x7,100x1,1472x7,100x1,1472x7,100x1,1472x7,100x1"),
        (NetnsPath.serverIPv6, "1452x16,7x1,1452x16,7x1"),
    ]

    @Test("udplabd's mmsg echo in the server namespace answers udplabctl bench across the veth")
    func mmsgEchoAcrossVeth() throws {
        let path = try NetnsPath()
        let daemon = try path.start(
            .server,
            ChildProcess.productPath("udplabd"),
            ["run", "echo", "--backend", "mmsg", "--bind", "\(NetnsPath.serverIPv4):0"]
        )
        defer { if daemon.isRunning { daemon.kill() } }
        let listening = try daemon.waitForLine { $0.hasPrefix("listening on \(NetnsPath.serverIPv4):") }
        let address = String(listening.dropFirst("listening on ".count).split(separator: " ")[0])
        let packetsBefore = try path.linkStatistic(.server, "rx_packets")

        let bench = try path.run(
            .client,
            ChildProcess.productPath("udplabctl"),
            ["bench", address, "--mode", "window", "--window", "16", "--duration", "1s", "--warmup", "0", "--json"]
        )
        #expect(bench.status == 0, "\(bench.stderr)")
        let result = try #require(
            try JSONSerialization.jsonObject(with: Data(bench.stdout.utf8)) as? [String: Any],
            "bench --json: \(bench.stdout) \(bench.stderr)"
        )
        let received = try #require(result["received"] as? Int)
        let sent = try #require(result["sent"] as? Int)
        #expect(received > 100, "\(bench.stdout)")

        daemon.interrupt()
        #expect(try daemon.waitForExit() == 0)
        let summary = daemon.stdout
        #expect(summary.contains("engine echo (backend mmsg) on \(address) stopped"), "\(summary)")
        let rx = try #require(Self.count(in: summary, after: "rx "), "\(summary)")
        let tx = try #require(Self.count(in: summary, after: "tx "), "\(summary)")
        // Every request the client sent reached the server (none on loopback: the client has no
        // route to 198.18.0.1 but the veth), and every one the server read went back.
        #expect(rx >= received && rx <= sent, "rx \(rx), bench sent \(sent) received \(received)")
        #expect(tx == rx, "\(summary)")
        #expect(try path.linkStatistic(.server, "rx_packets") - packetsBefore >= rx)
    }

    @Test(
        "GRO on the veth coalesces single datagrams, and the C GRO/GSO echo returns every one verbatim, in order",
        arguments: bursts
    )
    func groCoalescesOverVeth(host: String, burst: String) throws {
        let path = try NetnsPath()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "udplab-netns-\(path.name)"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let echo = try path.start(.server, try NetnsPath.compileC("echo-gso", into: directory), [host, "0"])
        defer { if echo.isRunning { echo.kill() } }
        let listening = try echo.waitForLine { $0.hasPrefix("listening ") }
        let port = String(listening.split(separator: " ")[2])

        let bursts = 16
        let client = try path.run(.client, "python3", ["-c", Self.sender, host, port, burst, String(bursts)])
        #expect(client.status == 0, "\(client.stdout)\(client.stderr)")
        let sent = try #require(Self.count(in: client.stdout, after: "sent "), "\(client.stdout)\(client.stderr)")
        #expect(client.stdout.contains("sent \(sent) received \(sent) mismatches 0\n"), "\(client.stdout)")

        echo.terminate()
        #expect(try echo.waitForExit() == 0)
        let counters = echo.stdout
        let datagrams = try #require(Self.count(in: counters, after: "datagrams "), "\(counters)")
        let buffers = try #require(Self.count(in: counters, after: "buffers "), "\(counters)")
        #expect(datagrams == sent, "\(counters)")
        #expect(buffers < datagrams, "GRO did not coalesce: \(counters)")
        #expect(
            Self.count(in: counters, after: "gso_sends ") ?? 0 > 0,
            "no coalesced buffer went back as one GSO send: \(counters)"
        )
        #expect(counters.contains("send_errors 0\n"), "\(counters)")
        withExtendedLifetime(path) {}
    }

    @Test(
        "udplabd's gso echo over the veth: GRO coalesces single datagrams (gro buffers < rx), every one comes back verbatim, in order",
        arguments: bursts
    )
    func gsoBackendOverVeth(host: String, burst: String) throws {
        let path = try NetnsPath()
        let bind = host.contains(":") ? "[\(host)]:0" : "\(host):0"
        let daemon = try path.start(
            .server,
            ChildProcess.productPath("udplabd"),
            ["run", "echo", "--backend", "gso", "--bind", bind]
        )
        defer { if daemon.isRunning { daemon.kill() } }
        let listening = try daemon.waitForLine { $0.hasPrefix("listening on ") }
        let address = String(listening.dropFirst("listening on ".count).split(separator: " ")[0])
        let port = String(address.split(separator: ":").last ?? "")

        let client = try path.run(.client, "python3", ["-c", Self.sender, host, port, burst, "16"])
        #expect(client.status == 0, "\(client.stdout)\(client.stderr)")
        let sent = try #require(Self.count(in: client.stdout, after: "sent "), "\(client.stdout)\(client.stderr)")
        #expect(client.stdout.contains("sent \(sent) received \(sent) mismatches 0\n"), "\(client.stdout)")

        daemon.interrupt()
        #expect(try daemon.waitForExit() == 0)
        let summary = daemon.stdout
        let rx = try #require(Self.count(in: summary, after: "rx "), "\(summary)")
        let buffers = try #require(Self.count(in: summary, after: "gro buffers "), "\(summary)")
        let sends = try #require(Self.count(in: summary, after: "gso sends "), "\(summary)")
        #expect(rx == sent, "\(summary)")
        #expect(buffers > 0 && buffers < rx, "GRO did not coalesce: \(summary)")
        #expect(sends > 0, "no coalesced buffer went back as one GSO send: \(summary)")
        #expect(Self.count(in: summary, after: "gso fallbacks ") == 0, "\(summary)")
        withExtendedLifetime(path) {}
    }

    @Test("The namespaces, their links and what ran in them are gone afterwards, also when a test fails")
    func tearsDown() throws {
        struct Failed: Error {}
        var names: (namespaces: [String], links: [String]) = ([], [])
        var inside: ChildProcess?
        do {
            let path = try NetnsPath()
            try withExtendedLifetime(path) {
                names = ([path.namespace(.server), path.namespace(.client)], [path.link(.server), path.link(.client)])
                #expect(Set(try NetnsPath.namespaces()).isSuperset(of: names.namespaces))
                #expect(
                    Set(try NetnsPath.rootLinks()).isDisjoint(with: names.links),
                    "the veth ends live in the namespaces"
                )
                // A process left running in a namespace keeps it, and its links, alive unless torn down.
                let child = try path.start(
                    .server,
                    "python3",
                    ["-c", "import time; print('up', flush=True); time.sleep(60)"]
                )
                inside = child
                _ = try child.waitForLine { $0 == "up" }
                throw Failed()
            }
        } catch is Failed {}
        let ended = (try? inside?.waitForExit(timeout: .seconds(5))) != nil
        #expect(ended, "the process left in the namespace was ended")
        let namespaces = try NetnsPath.namespaces()
        let links = try NetnsPath.rootLinks()
        for namespace in names.namespaces { #expect(!namespaces.contains(namespace), "\(namespaces)") }
        for link in names.links { #expect(!links.contains(link), "\(links)") }
        #expect(names.namespaces.count == 2)
    }

    /// The number after the first `label` in `text` (`"rx 12 datagrams"` after `"rx "` is 12).
    static func count(in text: String, after label: String) -> Int? {
        guard let range = text.range(of: label) else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    /// The client: sends BURSTS bursts of single datagrams (BURST is `SIZExCOUNT,…`, one datagram
    /// per send, each with its own bytes) as fast as it can, then waits for that burst's echoes, which must come back in
    /// order and byte for byte; prints `sent S received R mismatches M`. A burst at a time keeps
    /// every socket buffer from overflowing, and the load bounded. Exits 1 when an echo is missing
    /// after 5 s.
    static let sender = """
        import socket, sys
        host, port, spec, bursts = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
        sizes = [int(size) for part in spec.split(",") for size, count in [part.split("x")] for _ in range(int(count))]
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(family, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        s.connect((host, port))
        s.settimeout(5)
        sent = received = mismatches = 0
        pattern = bytes(range(256)) * 257
        for _ in range(bursts):
            # Made before the burst: GRO holds a flow only while its datagrams follow closely.
            expected = [pattern[(sent + n) * 7 % 256:][:size] for n, size in enumerate(sizes)]
            for payload in expected:
                s.send(payload)
            sent += len(expected)
            for payload in expected:
                try:
                    echo = s.recv(65536)
                except socket.timeout:
                    print(f"sent {sent} received {received} mismatches {mismatches}: timed out")
                    sys.exit(1)
                received += 1
                mismatches += echo != payload
        print(f"sent {sent} received {received} mismatches {mismatches}")
        """
}
