import UDPLabOS

/// Why a bench cannot run.
enum BenchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An option is out of range or does not fit the mode; the message names the option.
    case invalidOption(String)
    /// A source socket could not be opened or bound.
    case socket(SystemError)
    /// A client thread (`--threads`) could not be started.
    case thread(SystemError)
    /// The `--hgrm` file could not be created or written.
    case histogramFile(path: String, SystemError)

    var description: String {
        switch self {
        case .invalidOption(let message): message
        case .socket(let error): "cannot open a source socket: \(error)"
        case .thread(let error): "cannot start a client thread: \(error)"
        case .histogramFile(let path, let error): "cannot write --hgrm \(path): \(error.reason)"
        }
    }
}
