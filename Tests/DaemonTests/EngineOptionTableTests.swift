import FoundationEssentials
import Testing
import UDPLabCommandLine
import UDPLabProtocol

@testable import CtlClient
@testable import Daemon

/// The engine option table is the one declaration: the command line, a config file and a `Start`
/// call read every option through it to the same spec, and the docs' option tables are its
/// rendering.
@Suite("Engine option table")
struct EngineOptionTableTests {
    /// A value for `option` as each reader takes it, and what the spec then holds.
    struct Sample {
        let commandLine: [String]
        let toml: String
        let value: EngineOptionValue
    }

    static func sample(for option: EngineOption) -> Sample {
        switch option.values {
        case .integer(let range, _):
            let number = range.upperBound
            return Sample(commandLine: ["--\(option.name)", "\(number)"], toml: "\(number)", value: .integer(number))
        case .seconds:
            return Sample(commandLine: ["--\(option.name)", "500ms"], toml: "\"500ms\"", value: .seconds(0.5))
        case .choice(let names):
            let name = names.last ?? ""
            return Sample(commandLine: ["--\(option.name)", name], toml: "\"\(name)\"", value: .text(name))
        case .address:
            return Sample(
                commandLine: ["--\(option.name)", "[::1]:7000"],
                toml: "\"[::1]:7000\"",
                value: .text("[::1]:7000")
            )
        case .flag:
            return Sample(commandLine: ["--\(option.name)"], toml: "true", value: .flag(true))
        case .text(_, let example):
            return Sample(commandLine: ["--\(option.name)", example], toml: "\"\(example)\"", value: .text(example))
        }
    }

    @Test(
        "Every option reaches the same spec from udplabd run, udplabctl start, a Start call and [[engine]]",
        arguments: EngineOption.all
    )
    func everyReader(option: EngineOption) throws {
        let kind = try #require(EngineKind.allCases.first(where: option.kinds.contains))
        let sample = Self.sample(for: option)
        // An option for some backends only is given with the first of them.
        let backend = option.backends.flatMap { backends in Backend.allCases.first(where: backends.contains) }
        let backendArguments = backend.map { ["--backend", $0.rawValue] } ?? []
        let backendLine = backend.map { "backend = \"\($0.rawValue)\"\n" } ?? ""

        let run = try RunCommand.parse([kind.rawValue] + backendArguments + sample.commandLine)
        let fromRun = try EngineSpec(kind: kind, options: run.options.values)

        let start = try #require(
            try UdplabCtl.parseAsRoot(["start", kind.rawValue] + backendArguments + sample.commandLine)
                as? StartCommand
        )
        #expect(start.parameters.options[option] == sample.value)
        let frame = try VarlinkCall(method: StartMethod.name, parameters: start.parameters).frame()
        let call = try VarlinkCall(frame: Data(frame.dropLast()))  // without its NUL terminator
        let fromCall = try EngineSpec(
            kind: kind,
            options: try call.decodeParameters(StartMethod.Parameters.self).options
        )

        let toml =
            "[[engine]]\nname = \"t\"\nkind = \"\(kind.rawValue)\"\n\(backendLine)\(option.key) = \(sample.toml)\n"
        let config = DaemonConfig.parseAllowingProblems(toml)

        #expect(option.value(in: fromRun) == sample.value, "\(option) from udplabd run")
        #expect(fromCall == fromRun, "\(option): a Start call from udplabctl start")
        if let fromConfig = config.spec {
            #expect(fromConfig == fromRun, "\(option): [[engine]] \(option.key)")
        } else {
            // A config file refuses a spec with problems; the same ones, then.
            #expect(config.problems == fromRun.problems().map(\.message), "\(option): \(config.problems)")
        }
    }

    @Test("Every option is a field of io.udplab.Start in the IDL and a key of [[engine]]", arguments: EngineOption.all)
    func idlAndKeys(option: EngineOption) {
        #expect(ControlProtocol.interfaceDescription.contains("  \(option.key): \(option.idlType),"))
        #expect(ConfigReader.engineKeys.contains(option.key))
    }

    @Test(
        "The README's and man pages' option tables and the IDL file are the tables' rendering",
        arguments: GeneratedDocs.regions.map(\.path)
    )
    func generatedDocs(path: String) throws {
        let region = try #require(GeneratedDocs.regions.first { $0.path == path })
        let file = try String(
            contentsOfFile: ChildProcess.packageRoot.appendingPathComponent(path).path,
            encoding: .utf8
        )
        #expect(
            try GeneratedDocs.rendering(region, in: file) == file,
            "\(path) is stale or edited by hand: run make docs"
        )
    }

    @Test("A hand edit in a generated table is caught")
    func handEdit() throws {
        let region = try #require(GeneratedDocs.regions.first { $0.path == "README.md" })
        let file = try String(
            contentsOfFile: ChildProcess.packageRoot.appendingPathComponent("README.md").path,
            encoding: .utf8
        )
        let edited = file.replacing("| `--count N` | 10 |", with: "| `--count N` | 12 |")
        #expect(edited != file, "the README's table has the --count row")
        #expect(try GeneratedDocs.rendering(region, in: edited) == file)
    }
}

extension DaemonConfig {
    /// The one engine `text` defines, or the problems it has.
    fileprivate static func parseAllowingProblems(_ text: String) -> (spec: EngineSpec?, problems: [String]) {
        do {
            return (try parse(text, source: "t.toml").engines.first?.spec, [])
        } catch {
            return (nil, error.problems.map(\.message))
        }
    }
}
