/// What one bench run measured, and how it was run.
///
/// Only requests sent after the warm-up count. Every one of them ends up in exactly one of
/// ``received`` and ``lost``, so `sent == received + lost`.
struct BenchResult: Equatable, Sendable {
    /// The options of the run.
    let configuration: BenchConfiguration
    /// Requests the kernel accepted during the recorded part of the run.
    let sent: Int
    /// Requests answered within the reply timeout.
    let received: Int
    /// Requests not answered within the reply timeout (or by the end of the run plus the reply
    /// timeout).
    let lost: Int
    /// Replies that came after their request had been counted as lost.
    let late: Int
    /// Second and later replies to one request.
    let duplicates: Int
    /// Datagrams that were not the echo of one of this run's requests: wrong length or layout,
    /// or a sequence number never sent.
    let invalid: Int
    /// In `rate` mode, requests planned before the end that the client never got to send
    /// because it fell behind its schedule; 0 in the other modes.
    let unsent: Int
    /// Sends and receives that failed with an error (other than would-block) and were skipped.
    let errors: Int
    /// Round-trip times of the received requests; `nil` when nothing was received.
    let latency: LatencySummary?

    /// Received requests per second of the recorded duration.
    var echoesPerSecond: Double {
        Double(received) / Double(configuration.duration.nanoseconds) * 1e9
    }

    /// Lost requests as a percentage of those sent; 0 when nothing was sent.
    var lossPercent: Double {
        sent == 0 ? 0 : Double(lost) / Double(sent) * 100
    }
}
