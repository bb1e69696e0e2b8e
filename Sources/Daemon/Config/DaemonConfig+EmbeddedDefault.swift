extension DaemonConfig {
    /// The config used when there is no `/etc/udplabd/udplabd.toml` and no `--config`: one echo
    /// engine on reactor-edge at 127.0.0.1:2000, every other key shown commented out with its
    /// default.
    ///
    /// The text of `packaging/udplabd.toml` (also installed as the commented example), built in by
    /// the `EmbedDefaultConfig` plugin (`Plugins/`): that file is the only copy.
    static let embeddedDefaultText = packagingDefaultConfig
}
