import ArgumentParser
import UDPLabProtocol

extension EngineOption {
    /// The option's `--help` entry: its help, the values of a choice and its default.
    var argumentHelp: ArgumentHelp {
        ArgumentHelp(helpLine, valueName: valueName.isEmpty ? nil : valueName)
    }

    /// What `--help` shows: the help text and the default (flags are off).
    public var helpLine: String {
        if case .flag = values { return help }
        return help + " Default: \(defaultText)."
    }

    /// Shell completion: a choice's names.
    var completion: CompletionKind? {
        choices.map { CompletionKind.list($0) }
    }
}
