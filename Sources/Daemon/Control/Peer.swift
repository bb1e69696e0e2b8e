import UDPLabOS

/// Who is on the other end of a control connection, and what they may do.
struct Peer: Sendable {
    /// The kernel's record of the peer (`SO_PEERCRED`).
    let credentials: PeerCredentials
    /// Root, the daemon's own uid, or a member of group `udplab`: may call every method.
    let isAdmin: Bool

    /// The group whose members may change engines.
    static let adminGroup = "udplab"

    /// Decides what `credentials` may do, as systemd's varlink services do.
    init(credentials: PeerCredentials) {
        self.credentials = credentials
        self.isAdmin =
            credentials.uid == 0 || credentials.uid == Accounts.currentUID
            || Accounts.isMember(uid: credentials.uid, ofGroup: Self.adminGroup)
    }
}
