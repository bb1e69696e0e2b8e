import Foundation
import Testing

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
        Self.removeStale()
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
        let removed = try? ChildProcess.run("/usr/sbin/userdel", ["--force", name])
        if removed?.status != 0 {
            Issue.record("userdel --force \(name) failed: \(removed?.stderr ?? "could not run userdel")")
        }
    }

    /// Deletes the accounts an earlier test process made and could not delete (it was killed):
    /// every `udplab-t…` user whose process (the id in its name) no longer runs.
    private static func removeStale() {
        guard let passwd = try? String(contentsOfFile: "/etc/passwd", encoding: .utf8) else { return }
        for line in passwd.split(separator: "\n") {
            let user = String(line.prefix { $0 != ":" })
            guard user.hasPrefix("udplab-t"), user.count > "udplab-t".count + 3 else { continue }
            // The name is the process id in base 36, then 1–4 random base-36 digits: try each split.
            let digits = user.dropFirst("udplab-t".count)
            let alive = (1...4).contains { random in
                guard digits.count > random, let pid = Int32(digits.dropLast(random), radix: 36) else { return false }
                return kill(pid, 0) == 0
            }
            if !alive { _ = try? ChildProcess.run("/usr/sbin/userdel", ["--force", user]) }
        }
    }
}
