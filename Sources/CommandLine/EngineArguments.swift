import ArgumentParser
import UDPLabProtocol

/// The engine options on the command line, `udplabctl start`'s and `udplabd run`'s alike: one
/// ArgumentParser group with a property per ``EngineOption``, each named, described and
/// completed by the table, so the two programs cannot drift. ``values`` hands them on as the
/// table's values; what applies to which kind, and the ranges, are ``EngineSpec``'s to check.
public struct EngineArguments: ParsableArguments {
    @Option(
        name: .customLong(EngineOption.backend.name),
        help: EngineOption.backend.argumentHelp,
        completion: EngineOption.backend.completion
    )
    var backend: String?

    @Option(
        name: .customLong(EngineOption.strategy.name),
        help: EngineOption.strategy.argumentHelp,
        completion: EngineOption.strategy.completion
    )
    var strategy: String?

    @Option(name: .customLong(EngineOption.bind.name), help: EngineOption.bind.argumentHelp)
    var bind: String?

    @Flag(name: .customLong(EngineOption.dualStack.name), help: EngineOption.dualStack.argumentHelp)
    var dualStack = false

    @Option(name: .customLong(EngineOption.count.name), help: EngineOption.count.argumentHelp)
    var count: Int?

    @Option(name: .customLong(EngineOption.queue.name), help: EngineOption.queue.argumentHelp)
    var queue: Int?

    @Option(name: .customLong(EngineOption.buffer.name), help: EngineOption.buffer.argumentHelp)
    var buffer: Int?

    @Option(name: .customLong(EngineOption.budget.name), help: EngineOption.budget.argumentHelp)
    var budget: Int?

    @Option(name: .customLong(EngineOption.batch.name), help: EngineOption.batch.argumentHelp)
    var batch: Int?

    @Option(name: .customLong(EngineOption.threads.name), help: EngineOption.threads.argumentHelp)
    var threads: Int?

    @Option(
        name: .customLong(EngineOption.steer.name),
        help: EngineOption.steer.argumentHelp,
        completion: EngineOption.steer.completion
    )
    var steer: String?

    @Option(
        name: .customLong(EngineOption.reply.name),
        help: EngineOption.reply.argumentHelp,
        completion: EngineOption.reply.completion
    )
    var reply: String?

    @Option(name: .customLong(EngineOption.denySourcePorts.name), help: EngineOption.denySourcePorts.argumentHelp)
    var denySourcePorts: String?

    @Option(name: .customLong(EngineOption.rateLimit.name), help: EngineOption.rateLimit.argumentHelp)
    var rateLimit: String?

    @Option(name: .customLong(EngineOption.rateLimitPrefix.name), help: EngineOption.rateLimitPrefix.argumentHelp)
    var rateLimitPrefix: String?

    @Option(name: .customLong(EngineOption.rateLimitTotal.name), help: EngineOption.rateLimitTotal.argumentHelp)
    var rateLimitTotal: Int?

    @Flag(name: .customLong(EngineOption.reflectTOS.name), help: EngineOption.reflectTOS.argumentHelp)
    var reflectTOS = false

    @Option(name: .customLong(EngineOption.consumerBind.name), help: EngineOption.consumerBind.argumentHelp)
    var consumerBind: String?

    @Option(name: .customLong(EngineOption.maxConsumers.name), help: EngineOption.maxConsumers.argumentHelp)
    var maxConsumers: Int?

    @Option(
        name: .customLong(EngineOption.consumerTimeout.name),
        help: EngineOption.consumerTimeout.argumentHelp,
        transform: { text throws(OptionDuration.Refusal) in try OptionDuration(parsing: text, for: .consumerTimeout) }
    )
    var consumerTimeout: OptionDuration?

    @Option(
        name: .customLong(EngineOption.interval.name),
        help: EngineOption.interval.argumentHelp,
        transform: { text throws(OptionDuration.Refusal) in try OptionDuration(parsing: text, for: .interval) }
    )
    var interval: OptionDuration?

    @Option(name: .customLong(EngineOption.polls.name), help: EngineOption.polls.argumentHelp)
    var polls: Int?

    @Flag(name: .customLong(EngineOption.trace.name), help: EngineOption.trace.argumentHelp)
    var trace = false

    public init() {}

    /// The options given, by the table; options left off are absent.
    public var values: [EngineOption: EngineOptionValue] {
        let given: [(EngineOption, EngineOptionValue?)] = [
            (.backend, backend.map(EngineOptionValue.text)),
            (.strategy, strategy.map(EngineOptionValue.text)),
            (.bind, bind.map(EngineOptionValue.text)),
            (.dualStack, dualStack ? .flag(true) : nil),
            (.count, count.map(EngineOptionValue.integer)),
            (.queue, queue.map(EngineOptionValue.integer)),
            (.buffer, buffer.map(EngineOptionValue.integer)),
            (.budget, budget.map(EngineOptionValue.integer)),
            (.batch, batch.map(EngineOptionValue.integer)),
            (.threads, threads.map(EngineOptionValue.integer)),
            (.steer, steer.map(EngineOptionValue.text)),
            (.reply, reply.map(EngineOptionValue.text)),
            (.denySourcePorts, denySourcePorts.map(EngineOptionValue.text)),
            (.rateLimit, rateLimit.map(EngineOptionValue.text)),
            (.rateLimitPrefix, rateLimitPrefix.map(EngineOptionValue.text)),
            (.rateLimitTotal, rateLimitTotal.map(EngineOptionValue.integer)),
            (.reflectTOS, reflectTOS ? .flag(true) : nil),
            (.consumerBind, consumerBind.map(EngineOptionValue.text)),
            (.maxConsumers, maxConsumers.map(EngineOptionValue.integer)),
            (.consumerTimeout, consumerTimeout.map { .seconds($0.seconds) }),
            (.interval, interval.map { .seconds($0.seconds) }),
            (.polls, polls.map(EngineOptionValue.integer)),
            (.trace, trace ? .flag(true) : nil),
        ]
        return given.reduce(into: [:]) { values, pair in values[pair.0] = pair.1 }
    }
}
