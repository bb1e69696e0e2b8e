import ArgumentParser

/// The host of `-H [USER@]HOST[:PORT]`, as `systemctl -H` takes it: an IPv6 address in brackets
/// (`[::1]:2222`, `root@[::1]`), a name ssh's own config may define (`Host` aliases work).
struct RemoteHost: Equatable, Sendable {
    /// What ssh connects to: `USER@HOST` or `HOST` (an IPv6 address without its brackets).
    let destination: String
    /// `:PORT`, when given (else ssh's config or 22).
    let port: UInt16?
    /// The argument as given, for messages.
    let text: String

    /// Parses `-H`'s value.
    /// - Throws: `ValidationError` (exit status 64) naming what is wrong.
    init(parsing text: String) throws {
        self.text = text
        var rest = Substring(text)
        var user = ""
        if let at = rest.firstIndex(of: "@") {
            user = String(rest[...at])
            rest = rest[rest.index(after: at)...]
            guard user.count > 1, !rest.contains("@") else {
                throw ValidationError("-H \(text): expected [USER@]HOST[:PORT]")
            }
            // A user name as useradd(8) allows it; nothing a ProxyCommand's %r could expand
            // into a shell command (OpenSSH before 9.6, CVE-2023-51385).
            guard user.dropLast().allSatisfy({ Self.nameCharacters.contains($0) }), user.first != "-" else {
                throw ValidationError("-H \(text): a user name has only letters, digits, '.', '_' and '-'")
            }
        }
        let host: Substring
        let bracketed = rest.first == "["
        if bracketed {
            guard let close = rest.firstIndex(of: "]") else { throw ValidationError("-H \(text): no ']' after '['") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...]
        } else {
            host = rest.prefix { $0 != ":" }
            rest = rest[host.endIndex...]
        }
        // A host name, an IPv4 address or (in brackets) an IPv6 one, with a %zone at most.
        let hostCharacters = bracketed ? Self.nameCharacters.union(":%") : Self.nameCharacters
        guard !host.isEmpty, host.first != "-", host.allSatisfy({ hostCharacters.contains($0) }) else {
            throw ValidationError("-H \(text): not a host name or address")
        }
        if rest.isEmpty {
            port = nil
        } else {
            guard rest.first == ":", let port = UInt16(rest.dropFirst()), port > 0 else {
                throw ValidationError("-H \(text): the port after ':' must be 1-65535")
            }
            self.port = port
        }
        destination = user + host
    }

    /// What a user or host name may contain (ASCII letters, digits, `.`, `_`, `-`).
    private static let nameCharacters = Set<Character>(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
    )

    /// ssh's arguments (after the program): `-xT` (no X11 forwarding, no terminal: the stream is
    /// the protocol's), `-p PORT`, `--`, the destination, then `remoteCommand`, which ssh passes
    /// to the remote user's shell as one line.
    func sshArguments(remoteCommand: [String]) -> [String] {
        ["-xT"] + (port.map { ["-p", String($0)] } ?? []) + ["--", destination] + remoteCommand
    }
}
