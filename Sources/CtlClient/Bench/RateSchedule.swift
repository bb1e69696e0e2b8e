/// The planned send times of `rate` mode: request *i* is due `i / rate` seconds after the start,
/// whenever the previous ones actually went out.
struct RateSchedule: Equatable, Sendable {
    private let start: UInt64
    private let intervalNanoseconds: Double
    /// How many requests have been sent (the index of the next one).
    private(set) var sentCount: UInt64 = 0

    /// A schedule of `perSecond` requests a second from `start` (nanoseconds).
    init(perSecond: Int, start: UInt64) {
        self.start = start
        intervalNanoseconds = 1e9 / Double(perSecond)
    }

    /// When the next request is due.
    var nextTime: UInt64 { time(of: sentCount) }

    /// Moves on to the next request once this one is sent.
    mutating func advance() { sentCount += 1 }

    /// Requests planned in `from..<before` that were never sent.
    func unsent(from first: UInt64, before end: UInt64) -> Int {
        let planned = index(ofFirstAtOrAfter: end)
        let skipped = max(sentCount, index(ofFirstAtOrAfter: first))
        return planned > skipped ? Int(planned - skipped) : 0
    }

    /// The time request `index` is due.
    private func time(of index: UInt64) -> UInt64 {
        start + UInt64(Double(index) * intervalNanoseconds)
    }

    /// The first request due at or after `time`; exact despite rounding, because the estimate is
    /// corrected against ``time(of:)`` itself.
    private func index(ofFirstAtOrAfter time: UInt64) -> UInt64 {
        guard time > start else { return 0 }
        var index = UInt64((Double(time - start) / intervalNanoseconds).rounded(.up))
        while index > 0, self.time(of: index - 1) >= time { index -= 1 }
        while self.time(of: index) < time { index += 1 }
        return index
    }
}
