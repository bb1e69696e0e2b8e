import Foundation

/// A throwaway OpenSSH server on 127.0.0.1 for the `udplabctl -H` tests, with its own host key,
/// client keys and configs in a temporary directory; the system's sshd and `/etc/ssh` are never
/// touched. Stopped and removed when the value goes away, whatever the test did.
///
/// Each client key has an `environment="PATH=…"` option in the one authorized-keys file (any
/// user may log in with any key), so a key decides where the remote shell looks for
/// `udplabctl`; ``ssh(key:)`` is the `UDPLAB_SSH` program that logs in with it: a two-line
/// wrapper around `ssh -F` with the test's client config, as a user would write one.
final class SSHServer {
    /// A client key, and the `PATH` a login with it gets.
    struct Key {
        let name: String
        let path: String
    }

    /// The build's products first, so the remote shell finds this build's `udplabctl`.
    static let withBridge = Key(
        name: "bridge",
        path: ChildProcess.packageRoot.appendingPathComponent(".build/debug").path + ":/usr/bin:/bin"
    )
    /// A `PATH` with no `udplabctl` on it.
    static let withoutBridge = Key(name: "bare", path: "/nonexistent")

    static let sshd = "/usr/sbin/sshd"
    /// coreutils' timeout(1), sshd's parent: see ``start(keys:)``.
    static let timeout = "/usr/bin/timeout"
    static let sshKeygen = "/usr/bin/ssh-keygen"

    /// `true` where the tests can run: sshd must run as root to log in as other users (and
    /// Debian's `openssh-server`, which `make test` installs, must be there).
    static var isAvailable: Bool {
        getuid() == 0
            && [sshd, sshKeygen, timeout, "/usr/bin/ssh"].allSatisfy(FileManager.default.isExecutableFile(atPath:))
    }

    /// sshd's privilege-separation directory, compiled in; the package's service creates it at
    /// start, so where sshd never ran it does not exist yet.
    private static let privilegeSeparationDirectory = "/run/sshd"

    let directory: String
    let port: UInt16
    private var child: ChildProcess?
    private var madePrivilegeSeparationDirectory = false

    /// Starts sshd on a free port and waits until it listens.
    init(keys: [Key] = [withBridge, withoutBridge]) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent(
            "udplab-ssh-\(UUID().uuidString.prefix(8))"
        )
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        // sshd reads the authorized keys as the user logging in.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: base.path)
        directory = base.path
        port = try Self.freePort()
        do {
            try start(keys: keys)
        } catch {
            cleanUp()
            throw error
        }
    }

    deinit { cleanUp() }

    /// The `UDPLAB_SSH` program that logs in with `key`.
    func ssh(key: Key) -> String { "\(directory)/ssh-\(key.name)" }

    private func start(keys: [Key]) throws {
        try Self.keygen("\(directory)/host_key")
        var authorized = ""
        for key in keys {
            let file = "\(directory)/key-\(key.name)"
            try Self.keygen(file)
            let publicKey = try String(contentsOfFile: file + ".pub", encoding: .utf8)
            authorized += "environment=\"PATH=\(key.path)\" \(publicKey)"
            try write(
                "ssh_config-\(key.name)",
                """
                Host *
                  IdentityFile \(file)
                  IdentitiesOnly yes
                  BatchMode yes
                  StrictHostKeyChecking no
                  UserKnownHostsFile \(directory)/known_hosts
                  GlobalKnownHostsFile /dev/null
                  LogLevel ERROR

                """
            )
            try write(
                "ssh-\(key.name)",
                "#!/bin/sh\nexec ssh -F \(directory)/ssh_config-\(key.name) \"$@\"\n",
                mode: 0o755
            )
        }
        try write("authorized_keys", authorized, mode: 0o644)
        try write(
            "sshd_config",
            """
            ListenAddress 127.0.0.1:\(port)
            HostKey \(directory)/host_key
            PidFile \(directory)/sshd.pid
            AuthorizedKeysFile \(directory)/authorized_keys
            PermitUserEnvironment yes
            StrictModes no
            UsePAM no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password

            """
        )
        if !FileManager.default.fileExists(atPath: Self.privilegeSeparationDirectory) {
            try FileManager.default.createDirectory(
                atPath: Self.privilegeSeparationDirectory,
                withIntermediateDirectories: false,
                attributes: [.posixPermissions: 0o755]
            )
            madePrivilegeSeparationDirectory = true
        }
        // sshd closes every inherited descriptor at start, among them the socket through which
        // Foundation's Process learns that a child ended; Foundation then waits for sshd on the
        // thread that reaps every child, and no other child of the test process is ever seen to
        // exit. timeout(1) keeps that socket as sshd's parent, and ends sshd after 60 s should
        // this process die without stopping it. It runs with the signals of the spawning thread
        // blocked, SIGTERM among them, so cleanUp() signals its process group (timeout makes
        // one of its own), which reaches sshd.
        let child = try ChildProcess(
            executable: Self.timeout,
            arguments: ["60", Self.sshd, "-D", "-e", "-f", "\(directory)/sshd_config"]
        )
        self.child = child
        try child.waitForStderrLine { $0.contains("Server listening on 127.0.0.1 port \(port)") }
    }

    /// Stops sshd (its sessions have ended with the test's udplabctl calls) and removes every file.
    private func cleanUp() {
        if let child, child.isRunning {
            kill(-child.pid, SIGTERM)
            _ = try? child.waitForExit()
        }
        child = nil
        try? FileManager.default.removeItem(atPath: directory)
        if madePrivilegeSeparationDirectory {
            // rmdir: only if empty, so a system sshd started meanwhile keeps it.
            _ = rmdir(Self.privilegeSeparationDirectory)
            madePrivilegeSeparationDirectory = false
        }
    }

    private func write(_ name: String, _ text: String, mode: Int = 0o600) throws {
        let path = "\(directory)/\(name)"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    /// A new ed25519 key pair without passphrase at `path` and `path.pub`.
    private static func keygen(_ path: String) throws {
        let (status, _, stderr) = try ChildProcess.run(
            sshKeygen,
            ["-q", "-t", "ed25519", "-N", "", "-C", "udplab-test", "-f", path]
        )
        guard status == 0 else { throw ChildFailure("ssh-keygen exited \(status): \(stderr)") }
    }

    /// A TCP port on 127.0.0.1 that nothing listens on: bound to port 0 and closed again.
    static func freePort() throws -> UInt16 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ChildFailure("socket: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && getsockname(descriptor, address, &length) == 0
            }
        }
        guard bound else { throw ChildFailure("bind 127.0.0.1:0: errno \(errno)") }
        return UInt16(bigEndian: address.sin_port)
    }
}
