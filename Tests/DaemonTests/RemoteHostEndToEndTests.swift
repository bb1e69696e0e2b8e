import Foundation
import Testing
import UDPLabOS
import UDPLabProtocol

/// `udplabctl -H USER@127.0.0.1:PORT` against a real sshd and a real daemon: the calls go over
/// ssh to `udplabctl bridge`, and the login user decides what is allowed, as on the host itself.
///
/// Root only (sshd logs in as other users); CI runs as root, and `make test` installs
/// `openssh-server`.
@Suite(
    "udplabctl -H over ssh",
    .serialized,
    .enabled(
        if: SSHServer.isAvailable,
        "SKIPPED: needs root and /usr/sbin/sshd (openssh-server, which make test installs); run the tests as root"
    )
)
struct RemoteHostEndToEndTests {
    @Test("As root over ssh, status shows the remote daemon and start and stop work")
    func rootIsAdmin() throws {
        let server = try SSHServer()
        let daemon = try DaemonHarness()
        let child = try daemon.start()
        let remote = Remote(server: server, login: "root", socket: daemon.socketPath)

        let status = try remote.ctl(["status"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("pid:             \(child.pid)\n"), "\(status.stdout)")
        #expect(status.stdout.contains(daemon.socketPath))

        let start = try remote.ctl(["start", "echo", "--name", "e1", "--bind", "127.0.0.1:0", "--transient"])
        #expect(start.status == 0, "\(start.stderr)")
        #expect(try daemon.ctl(["list"]).stdout.contains("e1"))
        let stop = try remote.ctl(["stop", "e1"])
        #expect(stop.status == 0, "\(stop.stderr)")
        #expect(try daemon.ctl(["list"]).stdout.contains("no engines"))
        withExtendedLifetime(server) {}
    }

    @Test("A remote login that is not an admin observes: status works, start and stop are refused by the daemon")
    func observerIsRefused() throws {
        let server = try SSHServer()
        let user = try ThrowawayUser()
        let daemon = try DaemonHarness()
        try daemon.start()
        #expect(try daemon.ctl(["start", "echo", "--name", "e1", "--bind", "127.0.0.1:0", "--transient"]).status == 0)
        let remote = Remote(server: server, login: user.name, socket: daemon.socketPath)

        let status = try remote.ctl(["status"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("engines:         1 (1 running)"), "\(status.stdout)")

        let start = try remote.ctl(["start", "echo", "--name", "e2", "--bind", "127.0.0.1:0", "--transient"])
        #expect(start.status == 77)
        #expect(start.stderr.contains("permission denied: io.udplab.Start needs root"), "\(start.stderr)")
        let stop = try remote.ctl(["stop", "e1"])
        #expect(stop.status == 77)
        #expect(stop.stderr.contains("permission denied: io.udplab.Stop"), "\(stop.stderr)")
        #expect(try daemon.ctl(["list"]).stdout.contains("running"))
        withExtendedLifetime((server, user)) {}
    }

    @Test("No udplabctl on the remote PATH, no daemon at the remote socket: each error says which")
    func remoteFailures() throws {
        let server = try SSHServer()
        let bare = Remote(server: server, login: "root", socket: nil, key: SSHServer.withoutBridge)
        let missing = try bare.ctl(["status"])
        #expect(missing.status == 69)
        #expect(missing.stderr.hasPrefix("udplabctl: no udplabctl to run on \(bare.host)"), "\(missing.stderr)")
        #expect(missing.stderr.contains("not found"), "\(missing.stderr)")

        let nowhere = Remote(server: server, login: "root", socket: "/nonexistent/udplabd.sock")
        let noDaemon = try nowhere.ctl(["status"])
        #expect(noDaemon.status == 69)
        #expect(
            noDaemon.stderr
                == "udplabctl: on \(nowhere.host): cannot reach udplabd at /nonexistent/udplabd.sock: "
                + "no such socket (is udplabd running?)\n"
        )
        withExtendedLifetime(server) {}
    }
}

/// `udplabctl -H LOGIN@127.0.0.1:PORT [--socket PATH]` through a test's sshd, logging in with one
/// of its keys (`UDPLAB_SSH`).
private struct Remote {
    let server: SSHServer
    let login: String
    let socket: String?
    var key = SSHServer.withBridge

    var host: String { "\(login)@127.0.0.1:\(server.port)" }

    /// Runs udplabctl with `arguments` after `-H` and `--socket`.
    func ctl(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try ChildProcess(
            executable: ChildProcess.productPath("udplabctl"),
            arguments: ["-H", host] + (socket.map { ["--socket", $0] } ?? []) + arguments,
            environment: ["UDPLAB_SSH": server.ssh(key: key)]
        )
        let status = try child.waitForExit(timeout: .seconds(15))
        return (status, child.stdout, child.stderr)
    }
}

/// `-H` where ssh itself fails: no root or sshd needed, only ssh.
@Suite(
    "udplabctl -H when ssh fails",
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh"),
        "SKIPPED: needs ssh (openssh-client)"
    )
)
struct RemoteHostSSHFailureTests {
    @Test("Nothing listening at the port: the error is ssh's, with its message, exit status 69")
    func nothingListening() throws {
        let port = try SSHServer.freePort()
        let host = "root@127.0.0.1:\(port)"
        let (status, _, stderr) = try ChildProcess.run(ChildProcess.productPath("udplabctl"), ["-H", host, "status"])
        #expect(status == 69)
        #expect(stderr.hasPrefix("udplabctl: ssh to \(host) failed: "), "\(stderr)")
        #expect(stderr.contains("port \(port): Connection refused"), "\(stderr)")
    }

    @Test("An ssh program that does not exist: the error says it cannot run it")
    func noSSHProgram() throws {
        let child = try ChildProcess(
            executable: ChildProcess.productPath("udplabctl"),
            arguments: ["-H", "localhost", "status"],
            environment: ["UDPLAB_SSH": "/nonexistent/ssh"]
        )
        #expect(try child.waitForExit() == 69)
        #expect(
            child.stderr
                == "udplabctl: ssh to localhost failed: cannot run /nonexistent/ssh: No such file or directory\n"
        )
    }
}
