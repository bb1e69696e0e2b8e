import ArgumentParser
import Testing
import UDPLabOS

@testable import CtlClient

/// `-H [USER@]HOST[:PORT]` as systemctl takes it, the ssh command line it becomes, and where
/// it does not apply.
@Suite("Remote host (-H)")
struct RemoteHostTests {
    @Test(
        "-H values parse into ssh's destination and port",
        arguments: [
            ("db1", "db1", UInt16?.none),
            ("root@db1", "root@db1", nil),
            ("root@127.0.0.1:2222", "root@127.0.0.1", 2222),
            ("[::1]:22", "::1", 22),
            ("ops@[fe80::1%eth0]", "ops@fe80::1%eth0", nil),
            ("lab.example.org:65535", "lab.example.org", 65535),
        ]
    )
    func parses(text: String, destination: String, port: UInt16?) throws {
        let host = try RemoteHost(parsing: text)
        #expect(host.destination == destination)
        #expect(host.port == port)
        #expect(host.text == text)
    }

    @Test(
        "Malformed -H values are usage errors",
        arguments: [
            "", "@db1", "a@b@c", "root@", "db1:", "db1:0", "db1:65536", "db1:ssh", "-oProxyCommand=x", "[::1",
            "[::1]x", "db1/container", "db 1", "db1;id", "$(id)@db1", "a%b@db1", "-o@db1", "db1%eth0", "[::1;id]",
        ]
    )
    func rejects(text: String) {
        #expect(throws: ValidationError.self) { try RemoteHost(parsing: text) }
    }

    @Test("ssh gets -xT, -p PORT, -- and the destination as separate arguments, then the bridge")
    func sshArguments() throws {
        let host = try RemoteHost(parsing: "root@127.0.0.1:2222")
        #expect(
            host.sshArguments(remoteCommand: SSHTunnel.bridgeCommand(socket: nil))
                == ["-xT", "-p", "2222", "--", "root@127.0.0.1", "udplabctl", "bridge"]
        )
        #expect(
            try RemoteHost(parsing: "db1").sshArguments(
                remoteCommand: SSHTunnel.bridgeCommand(socket: "/run/udplabd.sock")
            )
                == ["-xT", "--", "db1", "udplabctl", "bridge", "--socket=/run/udplabd.sock"]
        )
        #expect(SSHTunnel.bridgeCommand(socket: "-odd path") == ["udplabctl", "bridge", "--socket='-odd path'"])
    }

    @Test("--socket reaches the remote shell as one word, whatever it holds")
    func socketQuoting() {
        #expect(SSHTunnel.shellWord("/run/udplabd.sock") == "/run/udplabd.sock")
        #expect(SSHTunnel.shellWord("/tmp/it's; rm -rf ~") == "'/tmp/it'\\''s; rm -rf ~'")
        #expect(SSHTunnel.shellWord("$(id)") == "'$(id)'")
        #expect(SSHTunnel.shellWord("") == "''")
    }

    @Test("-H parses before or after the command; bench and bridge refuse it")
    func commands() throws {
        let status = try #require(try UdplabCtl.parseAsRoot(["-H", "root@db1:2222", "status"]) as? StatusCommand)
        #expect(status.options.host == (try RemoteHost(parsing: "root@db1:2222")))
        let list = try #require(try UdplabCtl.parseAsRoot(["list", "--host", "db1"]) as? ListCommand)
        #expect(list.options.host?.destination == "db1")
        for arguments in [
            ["-H", "db1", "bench", "127.0.0.1:2000"], ["-H", "db1", "bridge"], ["-H", "db1:x", "list"],
        ] {
            #expect(
                throws: (any Error).self,
                "\(arguments)",
                performing: { _ = try UdplabCtl.parseAsRoot(arguments) }
            )
            do {
                _ = try UdplabCtl.parseAsRoot(arguments)
            } catch {
                #expect(UdplabCtl.exitCode(for: error).rawValue == ExitStatus.usage.rawValue, "\(arguments)")
            }
        }
    }

    @Test("ssh's failures are 69; a remote socket the login user may not open is 77, as locally")
    func exitStatus() {
        #expect(ExitStatus(for: .sshFailed(host: "db1", reason: "Connection refused")) == .unreachable)
        #expect(ExitStatus(for: .bridgeNotFound(host: "db1", reason: "sh: 1: udplabctl: not found")) == .unreachable)
        #expect(ExitStatus(for: .bridgeFailed(host: "db1", status: 69, reason: "no such socket")) == .unreachable)
        #expect(
            ExitStatus(for: .bridgeFailed(host: "db1", status: 77, reason: "permission denied")) == .permissionDenied
        )
        #expect(ExitStatus(for: .bridgeFailed(host: "db1", status: 64, reason: "unknown command")) == .unreachable)
    }
}
