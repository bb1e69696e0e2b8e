import ArgumentParser

/// `--payload plain|sockperf`.
extension PayloadFormat: ExpressibleByArgument {}
