import Foundation

/// A system user made for one test and deleted when the value goes away: the non-admin login
/// of the `udplabctl -H` tests. No existing account serves: those with a shell are locked
/// (`!` in /etc/shadow), which sshd without PAM refuses, and `nobody`'s shell is nologin.
///
/// Its name is unique to the test process; it has its own group (not `udplab`), shell `/bin/sh`,
/// no home directory, and a password field of `*` (no password logs in, but the account is not
/// locked, so a key does).
final class ThrowawayUser {
    let name: String

    init() throws {
        name = "udplab-t" + String(getpid(), radix: 36) + String(UInt16.random(in: 0...UInt16.max), radix: 36)
        let (status, _, stderr) = try ChildProcess.run(
            "/usr/sbin/useradd",
            [
                "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/bin/sh",
                "--password", "*", name,
            ]
        )
        guard status == 0 else { throw ChildFailure("useradd \(name) exited \(status): \(stderr)") }
    }

    deinit {
        // Removes its group too (USERGROUPS_ENAB).
        // --force: also while the sshd session of its last login is still ending.
        _ = try? ChildProcess.run("/usr/sbin/userdel", ["--force", name])
    }
}
