import Foundation
import PackagePlugin

/// Builds `packaging/udplabd.toml` into udplabd: before the Daemon target compiles, the
/// `EmbedText` tool turns the file into `DefaultConfigText.swift`, one string constant
/// (`packagingDefaultConfig`). The file is the only copy: edit it, and the next build embeds it.
@main
struct EmbedDefaultConfig: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let input = context.package.directoryURL.appending(path: "packaging/udplabd.toml")
        let output = context.pluginWorkDirectoryURL.appending(path: "DefaultConfigText.swift")
        return [
            .buildCommand(
                displayName: "Embedding packaging/udplabd.toml",
                executable: try context.tool(named: "EmbedText").url,
                arguments: [input.path, output.path, "packagingDefaultConfig"],
                inputFiles: [input],
                outputFiles: [output]
            )
        ]
    }
}
