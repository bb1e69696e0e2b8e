// udplab-starvation: the seed's starvation question (issue 15, item 2) answered with numbers.
// `make starvation` runs it and writes docs/internals.md's starvation tables.
//
// One relay engine, started in-process, serves two sockets from one loop. One of them is flooded
// at saturation by a flooder thread (a tight loop of GSO sends, pinned to the CPU the loop does
// not have, that ends by itself after the cell's duration); the other carries a light flow, one
// datagram in flight at a time, paced:
//
// A. socket starvation: junk datagrams flood the consumer socket (each one read and counted in
//    consumer_ignored); the light flow is ping-pong through the producer socket to the bench's
//    one registered consumer: a datagram to the producer address, its relayed copy awaited on
//    the consumer socket, then the next.
// B. producer flood against registrations: the flood goes to the producer socket and is relayed
//    to one always-registered consumer that never reads (its kernel drops what overflows its
//    receive buffer; the engine's sends succeed all the same); the light flow is registrations:
//    a fresh consumer socket sends `1`, waits for its first relayed datagram, sends `0`.
//
// Every cell (experiment × variant) is run once per round, rounds visit the cells in a shuffled
// order so that the machine's noise spreads over all of them, and the tables give medians over
// the rounds. The variants are a list: another loop option (say a fairness policy) is one more
// entry in `variants`, measured and tabled like the budgets.
//
// Usage: udplab-starvation [--quick] [--rounds N] [--duration SECONDS] [--timeout MS]
//                          [--interval µs] [--train N] [--flooders N] [--backends a,b,…]
//                          [--budgets 0,1,…] [--queue N] [--no-pin]

import Synchronization
import UDPLabEngines
import UDPLabOS
import UDPLabProtocol

// MARK: Settings

/// What the command line chose.
struct Settings {
    var rounds = 5
    var duration: Duration = .milliseconds(1500)
    /// How long the light flow waits for its answer before counting it lost.
    var timeout: Duration = .milliseconds(20)
    /// How often the light flow sends (each one waits for its answer first): light, next to
    /// the flood's hundred thousand or so a second.
    var interval: Duration = .microseconds(500)
    /// Flooder threads, pinned round the CPUs from CPU 1. One, on the CPU the loop does not have,
    /// already overflows the loop's socket (its GSO trains); a second would share the loop's CPU
    /// and take time from the loop rather than flood harder.
    var flooders = 1
    /// Flood datagrams per send (a GSO train; 1: plain sendto).
    var train = 64
    /// uring is measured once it relays; until then the tables say so.
    var backends: [Backend] = [.epollLevel, .epollEdge, .reactorEdge, .mmsg, .uring]
    var budgets = [0, 1, 8, 32, 128]
    /// Each consumer's queue in experiment B (`--queue`): room for a budget-128 turn's datagrams.
    var queue = 256
    /// The engine's loop on CPU 0, the flooder on CPU 1 (when there are two), so that the flood
    /// and the loop run at once instead of taking turns on one CPU (which would let the loop
    /// drain the socket in its time slices while the flooder waits for its own).
    var pins = true

    init(arguments: [String]) {
        var index = 0
        func value() -> String {
            index += 1
            guard index < arguments.count else { fail("\(arguments[index - 1]) needs a value") }
            return arguments[index]
        }
        func number(_ text: String) -> Int {
            guard let number = Int(text), number >= 0 else { fail("not a count: \(text)") }
            return number
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--quick":
                rounds = 1
                duration = .milliseconds(300)
                budgets = [0, 8]
            case "--rounds": rounds = max(1, number(value()))
            case "--duration":
                let text = value()
                guard let seconds = Double(text), seconds > 0 else { fail("not a duration: \(text)") }
                duration = .milliseconds(Int64((seconds * 1000).rounded()))
            case "--timeout": timeout = .milliseconds(Int64(max(1, number(value()))))
            case "--flooders": flooders = max(1, number(value()))
            case "--train": train = max(1, min(64, number(value())))
            case "--interval": interval = .microseconds(Int64(max(1, number(value()))))
            case "--backends":
                backends = value().split(separator: ",").map { name in
                    guard let backend = Backend(rawValue: String(name)) else { fail("no backend \(name)") }
                    return backend
                }
            case "--budgets": budgets = value().split(separator: ",").map { number(String($0)) }
            case "--queue": queue = max(1, number(value()))
            case "--no-pin": pins = false
            default: fail("unknown argument \(arguments[index])")
            }
            index += 1
        }
    }
}

func fail(_ message: String) -> Never {
    StandardError.write("udplab-starvation: \(message)\n")
    CurrentProcess.exit(2)
}

func progress(_ message: String) {
    StandardError.write(message + "\n")
}

let settings = Settings(arguments: Array(CommandLine.arguments.dropFirst()))
let pinning = settings.pins && OSThread.onlineCPUs >= 2

// MARK: Variants

/// One way to run the loop: a backend, its budget, and anything else about its spec.
struct Variant: Sendable {
    let backend: Backend
    /// `--budget`; `nil` for a backend that refuses it.
    let budget: Int?
    /// What else differs (empty for a plain budget), shown after the budget.
    let note: String
    /// Sets what `note` says on the spec.
    let configure: @Sendable (inout EngineSpec) -> Void

    init(
        _ backend: Backend,
        budget: Int?,
        note: String = "",
        configure: @escaping @Sendable (inout EngineSpec) -> Void = { _ in }
    ) {
        self.backend = backend
        self.budget = budget
        self.note = note
        self.configure = configure
    }

    var budgetLabel: String {
        let budget = budget.map(String.init) ?? "(none)"
        return note.isEmpty ? budget : "\(budget), \(note)"
    }

    /// The relay spec: loopback, ports the kernel picks.
    func spec(queue: Int?) -> EngineSpec {
        var spec = EngineSpec(kind: .relay, backend: backend, bind: SocketAddress(loopbackPort: 0), queue: queue)
        spec.budget = budget
        configure(&spec)
        return spec
    }
}

var variants: [Variant] = []
/// What is not measured, and why: printed under the tables.
var notes: [String] = []
for backend in settings.backends {
    if backend.traits.refusesRelay != nil {
        notes.append("\(backend.rawValue): no relay backend yet")
        continue
    }
    if backend.traits.refuses[.budget] != nil {
        variants.append(Variant(backend, budget: nil))
    } else {
        variants += settings.budgets.map { Variant(backend, budget: $0) }
    }
    // Another loop option is measured by adding its variants here, e.g.
    // `variants.append(Variant(backend, budget: 8, note: "…") { $0.option = … })`.
}

/// The variant another one's rates are compared with: its backend's budget 0 (or the backend's
/// first variant when it has no budget 0).
@MainActor func reference(of variant: Variant) -> Int? {
    variants.firstIndex { $0.backend == variant.backend && $0.budget == 0 && $0.note.isEmpty }
        ?? variants.firstIndex { $0.backend == variant.backend }
}

// MARK: Measuring

/// Datagrams a flooder thread has sent.
final class FloodTally: Sendable {
    let sent = Atomic<UInt64>(0)
}

/// Starts a thread sending `size`-byte junk datagrams to `target` as fast as it can until
/// `deadline` (``MonotonicClock`` nanoseconds), then ending by itself.
func flood(
    _ target: SocketAddress,
    size: Int,
    train: Int,
    until deadline: UInt64,
    cpu: Int?
) throws -> (OSThread, FloodTally) {
    let tally = FloodTally()
    let thread = try OSThread.spawn(name: "flooder") {
        if let cpu { try? OSThread.pinCurrentThread(toCPU: cpu) }
        do {
            let socket = try UDPSocket(binding: SocketAddress(loopbackPort: 0))
            let sent = send(from: socket, size: size, train: train, to: target, until: deadline)
            tally.sent.store(sent, ordering: .relaxed)
        } catch {
            progress("flooder: \(error)")
        }
    }
    return (thread, tally)
}

/// The flooder's loop: how many it sent. Each send is a GSO train of `train` datagrams (one
/// `UDP_SEGMENT` sendmsg, segmented on the way into the receiving socket), so that the flooder
/// sends faster than one loop can receive: datagram by datagram, sending costs more than
/// receiving and one flooder thread could not keep the engine's socket full.
func send(
    from socket: borrowing UDPSocket,
    size: Int,
    train: Int,
    to target: SocketAddress,
    until deadline: UInt64
) -> UInt64 {
    // Neither `1` nor `0`, so a consumer socket counts each as ignored.
    let payload = [UInt8](repeating: 0x2A, count: size * train)
    var sent: UInt64 = 0
    payload.withUnsafeBytes { bytes in
        while MonotonicClock.nanoseconds() < deadline {
            for _ in 0..<8 {
                let result =
                    train == 1
                    ? try? socket.send(bytes, to: target) : try? socket.send(bytes, segmentSize: size, to: target)
                if case .processed = result { sent += UInt64(train) }
            }
        }
    }
    return sent
}

/// Waits until `condition` holds or `limit` passes; whether it held.
func waitUntil(for limit: Duration = .seconds(10), _ condition: () -> Bool) -> Bool {
    let deadline = MonotonicClock.nanoseconds() + limit.nanoseconds
    while !condition() {
        if MonotonicClock.nanoseconds() >= deadline { return false }
        OSThread.sleep(for: .microseconds(100))
    }
    return true
}

/// Waits up to `deadline` for a datagram on `socket` that `accept` takes (others are skipped).
/// - Returns: whether one came.
func awaitDatagram(
    on socket: borrowing UDPSocket,
    until deadline: UInt64,
    into buffer: UnsafeMutableRawBufferPointer,
    _ accept: (Int) -> Bool
) -> Bool {
    var poll = PollSet()
    poll.append(socket.descriptor, events: .readable)
    while true {
        while case .processed(let datagram)? = try? socket.receive(into: buffer) {
            if accept(datagram.byteCount) { return true }
        }
        let now = MonotonicClock.nanoseconds()
        guard now < deadline else { return false }
        let left = Duration.nanoseconds(Int64(deadline - now))
        // poll(2) counts milliseconds: at least 1, so a sub-millisecond rest still waits.
        _ = try? poll.wait(timeout: max(left, .milliseconds(1)))
    }
}

/// The light flow's clock: one send per interval, on a fixed grid from the start; a send that
/// is late (its answer took longer than an interval) goes at once and the grid moves on.
struct Pace {
    private var due: UInt64
    private let interval: UInt64

    init(start: UInt64, interval: Duration) {
        due = start
        self.interval = max(interval.nanoseconds, 1)
    }

    /// Sleeps until the next send is due; `false` once that is past `deadline`.
    mutating func next(before deadline: UInt64) -> Bool {
        let now = MonotonicClock.nanoseconds()
        if due < now { due = now }
        guard due < deadline else { return false }
        if due > now { OSThread.sleep(for: .nanoseconds(Int64(due - now))) }
        due += interval
        return true
    }
}

/// The `/proc/self/task` entry of the thread named `name` (as the kernel keeps it: 15 bytes),
/// or `nil`.
func task(named name: String) -> String? {
    let kept = String(decoding: name.utf8.prefix(15), as: UTF8.self)
    do {
        let tasks = try Directory(opening: "/proc/self/task")
        for entry in try tasks.entryNames() {
            let task = try Directory(opening: tasks.pathOf(entry))
            guard let comm = try task.contents(of: "comm") else { continue }
            if String(decoding: comm.filter { $0 != 0x0A }, as: UTF8.self) == kept { return task.path }
        }
    } catch {
        progress("looking for thread \(kept): \(error)")
    }
    return nil
}

/// Nanoseconds the task at `path` has run on a CPU (the first field of its `schedstat`), or `nil`.
///
/// The loop's rate per second of its own CPU time is what a budget costs it, whatever share of
/// the CPU this noisy machine left it in that cell.
func cpuNanoseconds(ofTask path: String?) -> UInt64? {
    guard let path else { return nil }
    do {
        let task = try Directory(opening: path)
        guard let bytes = try task.contents(of: "schedstat") else { return nil }
        return String(decoding: bytes, as: UTF8.self).split(separator: " ").first.flatMap { UInt64($0) }
    } catch {
        return nil
    }
}

/// One cell's outcome in one round.
struct Outcome {
    /// The light flow's latencies in nanoseconds, sorted.
    var latencies: [UInt64]
    /// Light datagrams (A) or registrations (B) that got no answer in time.
    var lost: Int
    var attempts: Int
    /// Light datagrams served ÷ all datagrams the engine received (A).
    var share: Double?
    /// The flood served per second: consumer-socket receives (A), datagrams relayed (B).
    var rate: Double
    /// Produced datagrams received per second (B).
    var received: Double
    /// The loop thread's CPU seconds per second of the cell; `nil` when unknown.
    var busy: Double?

    /// `rate` per second of the loop's own CPU time.
    var ratePerCPU: Double? { busy.flatMap { $0 > 0 ? rate / $0 : nil } }
    /// Flood datagrams sent per second, and those the kernel dropped at the engine's sockets.
    var offered: Double
    var kernelDropped: Double

    func percentile(_ fraction: Double) -> Double? {
        guard !latencies.isEmpty else { return nil }
        let rank = Int((fraction * Double(latencies.count)).rounded(.up)) - 1
        return Double(latencies[min(max(rank, 0), latencies.count - 1)]) / 1000
    }

    var lossPercent: Double { attempts == 0 ? 100 : Double(lost) * 100 / Double(attempts) }
}

enum Experiment: CaseIterable {
    /// A: the consumer socket flooded, ping-pong through the producer socket.
    case socketStarvation
    /// B: the producer socket flooded, registrations on the consumer socket.
    case registrations
}

/// Runs one cell: an engine for `variant`, the flood and the light flow for `settings.duration`.
@MainActor func measure(_ experiment: Experiment, _ variant: Variant) throws -> Outcome {
    let spec = variant.spec(queue: experiment == .registrations ? settings.queue : nil)
    let pinsLoop: (@Sendable () -> Void)? =
        pinning
        ? { @Sendable () -> Void in
            do { try OSThread.pinCurrentThread(toCPU: 0) } catch { progress("pinning the loop: \(error)") }
        } : nil
    let engine = try Engine.start(spec, beforeLoop: pinsLoop)
    defer { engine.stop() }
    let producerAddress = engine.sockets.addresses[0]
    let consumerAddress = engine.sockets.addresses[1]
    let consumer = try UDPSocket(binding: SocketAddress(loopbackPort: 0))
    let producer = try UDPSocket(binding: SocketAddress(loopbackPort: 0))
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 8)
    defer { buffer.deallocate() }

    // The one standing consumer: the light flow's receiver (A), the flood's sink (B).
    _ = try [UInt8(ascii: "1")].withUnsafeBytes { try consumer.send($0, to: consumerAddress) }
    guard waitUntil({ engine.relayConsumers?.current.count == 1 }), waitUntil({ engine.isWaiting }) else {
        throw EngineError.invalidSpec("the engine did not register its consumer in 10 s")
    }
    let loopTask = task(named: "udplab-\(spec.backend.rawValue)")
    let before = engine.counterSnapshot()
    let beforeCounts = engine.sockets.receiveCounts
    let beforeCPU = cpuNanoseconds(ofTask: loopTask)
    let start = MonotonicClock.nanoseconds()
    let deadline = start + settings.duration.nanoseconds
    // Flooder 0 on CPU 1, the loop's neighbour; flooder 1 shares CPU 0 with the loop.
    let flooders = try (0..<settings.flooders).map { index in
        try flood(
            experiment == .socketStarvation ? consumerAddress : producerAddress,
            size: 32,
            train: settings.train,
            until: deadline,
            cpu: pinning ? (index + 1) % OSThread.onlineCPUs : nil
        )
    }
    let timeout = settings.timeout.nanoseconds
    var latencies: [UInt64] = []
    var attempts = 0
    switch experiment {
    case .socketStarvation:
        var sequence: UInt64 = 0
        var pace = Pace(start: start, interval: settings.interval)
        while pace.next(before: deadline) {
            sequence += 1
            attempts += 1
            let sentAt = MonotonicClock.nanoseconds()
            var datagram = sequence
            _ = try withUnsafeBytes(of: &datagram) { try producer.send($0, to: producerAddress) }
            let expected = sequence
            let answered = awaitDatagram(on: consumer, until: sentAt + timeout, into: buffer) { length in
                // A late copy of an earlier datagram is skipped.
                length == 8 && buffer.loadUnaligned(as: UInt64.self) == expected
            }
            if answered { latencies.append(MonotonicClock.nanoseconds() - sentAt) }
        }
    case .registrations:
        var pace = Pace(start: start, interval: settings.interval)
        while pace.next(before: deadline) {
            attempts += 1
            let fresh = try UDPSocket(binding: SocketAddress(loopbackPort: 0))
            let sentAt = MonotonicClock.nanoseconds()
            _ = try [UInt8(ascii: "1")].withUnsafeBytes { try fresh.send($0, to: consumerAddress) }
            if awaitDatagram(on: fresh, until: sentAt + timeout, into: buffer, { _ in true }) {
                latencies.append(MonotonicClock.nanoseconds() - sentAt)
            }
            // Also after a timeout: the engine reads the `1` and this `0` in order, whenever it
            // comes to them, so no registration outlives its socket.
            _ = try [UInt8(ascii: "0")].withUnsafeBytes { try fresh.send($0, to: consumerAddress) }
        }
    }
    let elapsed = Double(MonotonicClock.nanoseconds() - start) / 1e9
    let after = engine.counterSnapshot()
    let afterCounts = engine.sockets.receiveCounts
    let afterCPU = cpuNanoseconds(ofTask: loopTask)
    // The flood ends by itself; a loop draining a flooded socket (budget 0) sees a stop only then.
    for (thread, _) in flooders { thread.join() }
    if !waitUntil({ engine.isWaiting }) { progress("warning: \(variant.backend.rawValue) did not go idle in 10 s") }

    let producerReceived = Double(afterCounts[0] - beforeCounts[0])
    let consumerReceived = Double(afterCounts[1] - beforeCounts[1])
    let served = producerReceived + consumerReceived
    latencies.sort()
    return Outcome(
        latencies: latencies,
        lost: attempts - latencies.count,
        attempts: attempts,
        share: experiment == .socketStarvation && served > 0 ? Double(producerReceived / served) : nil,
        rate: experiment == .socketStarvation
            ? consumerReceived / elapsed : Double(after.txDatagrams - before.txDatagrams) / elapsed,
        received: producerReceived / elapsed,
        busy: beforeCPU.flatMap { start in afterCPU.map { Double($0 &- start) / 1e9 / elapsed } },
        offered: Double(flooders.reduce(0) { $0 + $1.1.sent.load(ordering: .relaxed) }) / settings.duration.seconds,
        kernelDropped: Double(after.kernelDrops - before.kernelDrops) / elapsed
    )
}

// MARK: Rounds

struct Cell {
    let experiment: Experiment
    let variant: Int
}

let cells = Experiment.allCases.flatMap { experiment in
    variants.indices.map { Cell(experiment: experiment, variant: $0) }
}
/// Outcomes per cell (experiment, variant index), one per round.
var outcomes: [Experiment: [[Outcome]]] = [
    .socketStarvation: Array(repeating: [], count: variants.count),
    .registrations: Array(repeating: [], count: variants.count),
]
let began = MonotonicClock.nanoseconds()
for round in 1...settings.rounds {
    for (index, cell) in cells.shuffled().enumerated() {
        let variant = variants[cell.variant]
        let name = cell.experiment == .socketStarvation ? "A" : "B"
        do {
            let outcome = try measure(cell.experiment, variant)
            outcomes[cell.experiment]![cell.variant].append(outcome)
            progress(
                "round \(round)/\(settings.rounds) cell \(index + 1)/\(cells.count): \(name) \(variant.backend.rawValue) budget \(variant.budgetLabel): p99 \(outcome.percentile(0.99).map { PrintfNumber.fixed($0, digits: 0) } ?? "—") µs, lost \(outcome.lost)/\(outcome.attempts), rate \(PrintfNumber.fixed(outcome.rate / 1000, digits: 0)) k/s, offered \(PrintfNumber.fixed(outcome.offered / 1000, digits: 0)) k/s, kernel drops \(PrintfNumber.fixed(outcome.kernelDropped / 1000, digits: 0)) k/s"
            )
        } catch {
            progress("\(name) \(variant.backend.rawValue) budget \(variant.budgetLabel): \(error)")
        }
    }
}
progress("done in \(PrintfNumber.fixed(Double(MonotonicClock.nanoseconds() - began) / 1e9, digits: 0)) s")

// MARK: Tables

/// The median of `values`; `nil` counts as worse than any number (a round with no answer at all),
/// so a median that falls on one is `nil`.
func median(_ values: [Double?]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted { ($0 ?? .infinity) < ($1 ?? .infinity) }
    let middle = sorted.count / 2
    if sorted.count % 2 == 1 { return sorted[middle] }
    guard let low = sorted[middle - 1], let high = sorted[middle] else { return nil }
    return (low + high) / 2
}

func microseconds(_ value: Double?) -> String {
    guard let value else { return "—" }
    return value < 100 ? PrintfNumber.fixed(value, digits: 1) : PrintfNumber.fixed(value, digits: 0)
}

func percent(_ value: Double?) -> String {
    guard let value else { return "—" }
    if value == 0 { return "0 %" }
    return value < 1 ? "\(PrintfNumber.significant(value, digits: 2)) %" : "\(PrintfNumber.fixed(value, digits: 0)) %"
}

func thousands(_ value: Double?) -> String {
    guard let value else { return "—" }
    return PrintfNumber.fixed(value / 1000, digits: 0)
}

func ratio(_ value: Double?, _ base: Double?) -> String {
    guard let value, let base, base > 0 else { return "—" }
    return PrintfNumber.fixed(value / base, digits: 2)
}

/// The median over the rounds of `value`, for the variant at `index` (`nil`: none).
@MainActor func median(_ experiment: Experiment, _ index: Int?, _ value: (Outcome) -> Double?) -> Double? {
    guard let index else { return nil }
    return median(outcomes[experiment]![index].map(value))
}

/// A column: its title, and its text from the variant's index and its outcomes.
typealias Column = (title: String, text: (Int, [Outcome]) -> String)

/// One table: a row per variant measured, its backend and budget, then `columns`.
@MainActor func table(_ experiment: Experiment, _ columns: [Column]) {
    print("| backend | budget | " + columns.map(\.title).joined(separator: " | ") + " |")
    print("|---|---|" + String(repeating: "---|", count: columns.count))
    for (index, variant) in variants.enumerated() {
        let runs = outcomes[experiment]![index]
        guard !runs.isEmpty else { continue }
        let texts = columns.map { $0.text(index, runs) }
        print("| \(variant.backend.rawValue) | \(variant.budgetLabel) | " + texts.joined(separator: " | ") + " |")
    }
}

/// The columns both tables have: the light flow's latencies and losses, the flood's rate, and
/// the loop's CPU time for it.
@MainActor func columns(_ experiment: Experiment, light: String, lost: String, rate: String) -> [Column] {
    func relative(_ value: @escaping (Outcome) -> Double?) -> (Int, [Outcome]) -> String {
        { index, runs in ratio(median(runs.map(value)), median(experiment, reference(of: variants[index]), value)) }
    }
    return [
        ("\(light) p50 µs", { microseconds(median($1.map { $0.percentile(0.5) })) }),
        ("\(light) p99 µs", { microseconds(median($1.map { $0.percentile(0.99) })) }),
        (lost, { percent(median($1.map(\.lossPercent))) }),
        ("\(rate) k/s", { thousands(median($1.map(\.rate))) }),
        ("× budget 0", relative(\.rate)),
        ("loop busy", { percent(median($1.map(\.busy)).map { $0 * 100 }) }),
        ("per loop CPU-s, × budget 0", relative(\.ratePerCPU)),
    ]
}

let flooderCPUs = (0..<settings.flooders).map { String(($0 + 1) % OSThread.onlineCPUs) }.joined(separator: ", ")
let pinText =
    pinning
    ? "the loop pinned to CPU 0, the \(settings.flooders == 1 ? "flooder to CPU" : "flooders to CPUs") \(flooderCPUs), the light flow unpinned"
    : "no thread pinned"
print(
    "Method: per cell a fresh relay engine (`--queue \(settings.queue)` in B), \(settings.flooders == 1 ? "a flooder thread" : "\(settings.flooders) flooder threads") sending 32-byte datagrams\(settings.train > 1 ? " in GSO trains of \(settings.train) (one `UDP_SEGMENT` sendmsg each)" : "") for \(PrintfNumber.significant(settings.duration.seconds, digits: 3)) s; the light flow one datagram every \(settings.interval.microseconds) µs, each awaited for up to \(settings.timeout.milliseconds) ms (no answer: lost, or failed); \(pinText); \(settings.rounds) round\(settings.rounds == 1 ? "" : "s"), each visiting the \(cells.count) cells in a shuffled order; medians over the rounds."
)
print("")
print(
    "**A. Socket starvation**: the consumer socket flooded with junk; the light flow pings through the producer socket."
)
print("")
var starvationColumns = columns(.socketStarvation, light: "light", lost: "light lost", rate: "flood served")
starvationColumns.insert(("light share", { percent(median($1.map(\.share)).map { $0 * 100 }) }), at: 3)
table(.socketStarvation, starvationColumns)
print("")
print(
    "**B. Producer flood against registrations**: the producer socket flooded, relayed to one consumer; the light flow registers fresh consumers."
)
print("")
table(
    .registrations,
    columns(.registrations, light: "registration", lost: "failed", rate: "relayed") + [
        ("produced k/s", { thousands(median($1.map(\.received))) })
    ]
)
print("")
let all = outcomes.values.flatMap { $0.flatMap { $0 } }
let offered = median(all.map(\.offered))
let dropped = median(all.map(\.kernelDropped))
let timeoutMilliseconds = settings.timeout.milliseconds
print(
    "Flood offered: median \(thousands(offered)) k datagrams/s per cell, of which the engine's socket dropped \(thousands(dropped)) k/s (its receive buffer full: the flood saturates the loop). A light datagram or registration with no answer within \(timeoutMilliseconds) ms counts as lost or failed; \"—\": no answer at all in the median round."
)
for note in notes {
    print("")
    print(note + ".")
}
