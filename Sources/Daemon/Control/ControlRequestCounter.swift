import Synchronization
import UDPLabProtocol

/// Control calls per method since the daemon started, and those refused with `PermissionDenied`:
/// the `udplab_control_*` metrics. A method udplabd does not have counts as `other`, so the
/// labels stay the methods' names whatever clients send.
final class ControlRequestCounter: Sendable {
    private let counts = Mutex<[String: (requests: UInt64, denials: UInt64)]>([:])

    /// Counts one call of `method`, refused or not.
    func record(_ method: String, denied: Bool) {
        let label = RequestHandler.methods.contains(method) ? method : "other"
        counts.withLock { counts in
            var entry = counts[label] ?? (0, 0)
            entry.requests &+= 1
            if denied { entry.denials &+= 1 }
            counts[label] = entry
        }
    }

    /// The tallies, by method name.
    var tallies: [ControlTally] {
        counts.withLock { counts in
            counts.keys.sorted().compactMap { method in
                counts[method].map { ControlTally(method: method, requests: $0.requests, denials: $0.denials) }
            }
        }
    }
}
