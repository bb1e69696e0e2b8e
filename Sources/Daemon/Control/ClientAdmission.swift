import UDPLabProtocol

/// The control socket's client limits, counted as clients come and go: at most
/// ``ControlProtocol/maximumClients`` in all, ``ControlProtocol/maximumClientsPerUID`` of one uid,
/// and ``ControlProtocol/administratorReservedClients`` of them only for administrators.
///
/// sd-varlink's servers cap connections per uid so that one user cannot take them all; udplabd
/// also keeps a share for administrators, so that unprivileged users, however many uids they
/// have, never lock root out of `List`, `Start` or `Stop`.
struct ClientAdmission: Sendable {
    /// Every client connected now.
    private(set) var total = 0
    /// Those that are not administrators.
    private(set) var unprivileged = 0
    private var byUID: [UInt32: Int] = [:]

    /// The most clients non-administrators may hold together.
    static let unprivilegedMaximum = ControlProtocol.maximumClients - ControlProtocol.administratorReservedClients

    /// Counts a client of `uid` in, unless a limit stands in the way.
    /// - Parameter isAdmin: whether the client may call every method (``Peer/isAdmin``).
    /// - Returns: `nil` when admitted, else the `LimitReached` error naming the limit it met.
    mutating func admit(uid: UInt32, isAdmin: Bool) -> ControlError? {
        if byUID[uid, default: 0] >= ControlProtocol.maximumClientsPerUID {
            return .limitReached(limit: "clients per uid", maximum: ControlProtocol.maximumClientsPerUID)
        }
        if !isAdmin && unprivileged >= Self.unprivilegedMaximum {
            return .limitReached(limit: "unprivileged clients", maximum: Self.unprivilegedMaximum)
        }
        if total >= ControlProtocol.maximumClients {
            return .limitReached(limit: "clients", maximum: ControlProtocol.maximumClients)
        }
        total += 1
        byUID[uid, default: 0] += 1
        if !isAdmin { unprivileged += 1 }
        return nil
    }

    /// Counts out a client that ``admit(uid:isAdmin:)`` let in.
    mutating func release(uid: UInt32, isAdmin: Bool) {
        total -= 1
        if !isAdmin { unprivileged -= 1 }
        let remaining = byUID[uid, default: 1] - 1
        byUID[uid] = remaining > 0 ? remaining : nil
    }
}
