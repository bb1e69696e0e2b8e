/// How `udplabctl bench` paces its requests.
enum LoadMode: Equatable, Sendable, CustomStringConvertible {
    /// Closed loop with one request in flight: the unloaded round-trip time.
    case pingpong
    /// Closed loop keeping `outstanding` requests in flight and busy-polling for replies: saturation.
    case window(outstanding: Int)
    /// Open loop at `perSecond` requests on a fixed schedule, whatever the replies do; latency is
    /// measured from each request's planned send time, so a stall is charged to every request it
    /// delayed (no coordinated omission).
    case rate(perSecond: Int)

    /// `--window` unless told otherwise.
    static let defaultWindow = 32
    /// `--rate` unless told otherwise, as sockperf's `--mps`.
    static let defaultRate = 10_000

    /// The mode's name as `--mode` takes it.
    var name: String {
        switch self {
        case .pingpong: "pingpong"
        case .window: "window"
        case .rate: "rate"
        }
    }

    /// The most requests in flight before the closed-loop modes wait for a reply; `nil` for `rate`.
    var outstandingLimit: Int? {
        switch self {
        case .pingpong: 1
        case .window(let outstanding): outstanding
        case .rate: nil
        }
    }

    /// `pingpong`, `window 32` or `rate 10000/s`.
    var description: String {
        switch self {
        case .pingpong: "pingpong"
        case .window(let outstanding): "window \(outstanding)"
        case .rate(let perSecond): "rate \(perSecond)/s"
        }
    }
}
