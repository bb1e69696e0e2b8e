import ArgumentParser
import UDPLabProtocol

/// `udplabctl list`: every engine, with its address, state and origin.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the engines: kind, backend, bound address, state, and whether config or runtime started them."
    )

    @OptionGroup var options: GlobalOptions

    /// Sends List and prints the engines as a table.
    func run() throws {
        try options.call(ListMethod.name, NoParameters(), as: ListMethod.Reply.self) { EngineListView.text($0.engines) }
    }
}
