import UDPLabOS

extension EngineSpec {
    /// One thing wrong with a spec, and the option it is about (`nil`: the spec as a whole), so
    /// that a config file can report it at that option's line.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let option: EngineOption?
        public let message: String

        public var description: String { message }
    }

    /// A spec of `kind` with the options given, stored in ``EngineOption/all``'s order; the
    /// others take their defaults. Call ``validate()`` or ``problems()`` next.
    /// - Throws: the first ``EngineOptionError``.
    public init(kind: EngineKind, options: [EngineOption: EngineOptionValue]) throws(EngineOptionError) {
        self.init(kind: kind)
        for option in EngineOption.all {
            if let value = options[option] { try set(option, to: value) }
        }
    }

    /// Stores `value` in `option`, as the command line, a config file or a `Start` call gave it.
    /// Whether the option applies, and its range, are ``problems()``'s to say.
    /// - Throws: ``EngineOptionError`` for a name that is not a choice or an unparsable address.
    public mutating func set(_ option: EngineOption, to value: EngineOptionValue) throws(EngineOptionError) {
        do {
            try option.assign(&self, value)
        } catch {
            switch error {
            case .unknown(let text): throw .unknown(option, text)
            case .invalid(let reason): throw .invalid(option, reason: reason)
            }
        }
    }

    /// Why a relay on `--bind` port 65535 without `--consumer-bind` cannot start.
    public var noConsumerPort: String { "--bind \(bind) leaves no next port for the consumers: give --consumer-bind" }

    /// Checks every option.
    /// - Throws: ``EngineError/invalidSpec(_:)`` with the first of ``problems()``.
    public func validate() throws(EngineError) {
        if let problem = problems().first { throw .invalidSpec(problem.message) }
    }

    /// Everything wrong with the spec, at most one problem per option, in ``EngineOption/all``'s
    /// order: an option its kind or backend does not take (by the options' and backends' tables),
    /// a value out of range, and the rules that span options.
    public func problems() -> [Problem] {
        var problems: [Problem] = []
        for option in EngineOption.all {
            guard let value = option.read(self), let message = refusal(of: option, value) else { continue }
            problems.append(Problem(option: option, message: message))
        }
        func isFine(_ option: EngineOption) -> Bool { !problems.contains { $0.option == option } }
        // Multisocket's ports run from the bind port up, also with the default count.
        let countOption: EngineOption = count == nil ? .bind : .count
        if kind == .multisocket, isFine(countOption), socketCount > 1, bind.port != 0,
            Int(bind.port) + socketCount - 1 > 65535
        {
            problems.append(
                Problem(
                    option: countOption,
                    message: "--count \(socketCount) sockets from port \(bind.port) would pass port 65535"
                )
            )
        }
        if isFine(.bind), kind == .echo, bind.isUnspecified, let reason = backend.traits.refusesWildcardBind {
            problems.append(
                Problem(
                    option: .bind,
                    message: "--bind \(bind) does not apply to backend \(backend.rawValue): \(reason)"
                )
            )
        }
        if kind == .relay, isFine(.backend), let reason = backend.traits.refusesRelay {
            let relays = Backend.allCases.filter { $0.traits.refusesRelay == nil }.map(\.rawValue)
            problems.append(
                Problem(
                    option: .backend,
                    message:
                        "backend \(backend.rawValue) does not run kind relay: \(reason); a relay runs on \(relays.joined(separator: ", "))"
                )
            )
        }
        if kind == .relay, isFine(.consumerBind), isFine(.bind) {
            if let consumers = effectiveConsumerBind {
                if consumers.port != 0, bind.port != 0, consumers.port == bind.port,
                    Self.hostsOverlap(bind, dualStack: isDualStack, consumers, dualStack: isDualStack)
                {
                    problems.append(
                        Problem(
                            option: consumerBind == nil ? .bind : .consumerBind,
                            message:
                                "--consumer-bind \(consumers) is --bind's own address: producers and consumers need a socket each"
                        )
                    )
                }
            } else {
                problems.append(
                    Problem(
                        option: .bind,
                        message: noConsumerPort
                    )
                )
            }
        }
        if isFine(.steer), steer == .cpu, laneCount < 2 {
            problems.append(Problem(option: .steer, message: "--steer cpu needs --threads 2 or more"))
        }
        if isFine(.dualStack), isDualStack, kind == .relay, let consumers = consumerBind, !consumers.isIPv6 {
            problems.append(
                Problem(
                    option: .dualStack,
                    message:
                        "--dual-stack needs an IPv6 --consumer-bind too: an IPv4 socket (\(consumers)) cannot receive IPv6"
                )
            )
        }
        if isFine(.dualStack), isDualStack, !bind.isIPv6 {
            problems.append(
                Problem(
                    option: .dualStack,
                    message:
                        "--dual-stack needs an IPv6 --bind, such as [::]:\(bind.port): an IPv4 socket (\(bind)) cannot receive IPv6"
                )
            )
        }
        return problems
    }

    /// Why `option` cannot have `value` in this spec, or `nil` when it can.
    private func refusal(of option: EngineOption, _ value: EngineOptionValue) -> String? {
        guard option.kinds.contains(kind) else {
            return "\(option) does not apply to kind \(kind.rawValue): it is for \(option.kindsPhrase)"
        }
        if kind.hasBackend {
            if let backends = option.backends, !backends.contains(backend) {
                let names = Backend.allCases.filter(backends.contains).map(\.rawValue)
                let list =
                    names.count > 1
                    ? names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1] : names.joined()
                return "\(option) does not apply to backend \(backend.rawValue): it is for backends \(list)"
            }
            if let reason = backend.traits.refuses[option] {
                return "\(option) does not apply to backend \(backend.rawValue): \(reason)"
            }
        }
        switch (option.values, value) {
        case (.integer(let range, let unit), .integer(let number)):
            if option == .budget, kind.hasBackend, let narrowed = backend.traits.budgetRange,
                !narrowed.range.contains(number)
            {
                return
                    "\(option) \(number) is out of range for backend \(backend.rawValue): use \(narrowed.range.lowerBound)–\(narrowed.range.upperBound) (\(narrowed.why))"
            }
            guard range.contains(number) else {
                return "\(option) \(number) is out of range: use \(range.lowerBound)–\(range.upperBound)"
                    + (unit.map { " \($0)" } ?? "")
            }
        case (.seconds(let range), .seconds(let seconds)):
            guard range.contains(seconds) else {
                return "\(option) \(seconds)s is out of range: "
                    + "use \(Duration.seconds(range.lowerBound).shortText) to \(Duration.seconds(range.upperBound).shortText)"
            }
        default: break
        }
        return nil
    }
}
