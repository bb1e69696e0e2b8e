/// The parameters and replies of the `io.udplab` methods, one namespace per method; the two
/// largest, `StartMethod` and `BackendsMethod`, have files of their own.
///
/// Field names are the wire's (snake_case where there is more than one word).

/// Parameters of a method that takes none.
public struct NoParameters: Codable, Sendable, Equatable {
    public init() {}
}

/// `io.udplab.Stop`: stop engines by name, or all of them.
public enum StopMethod {
    public static let name = "io.udplab.Stop"

    public struct Parameters: Codable, Sendable, Equatable {
        public var names: [String]?
        public var all: Bool?
        public init(names: [String]? = nil, all: Bool? = nil) {
            self.names = names
            self.all = all
        }
    }

    public struct Reply: Codable, Sendable, Equatable {
        public var stopped: [String]
        public init(stopped: [String]) { self.stopped = stopped }
    }
}

/// `io.udplab.Restart`: stop an engine and start it again with the same definition and origin.
public enum RestartMethod {
    public static let name = "io.udplab.Restart"

    public struct Parameters: Codable, Sendable, Equatable {
        public var name: String
        public init(name: String) { self.name = name }
    }

    public struct Reply: Codable, Sendable, Equatable {
        public var engine: EngineInfo
        public init(engine: EngineInfo) { self.engine = engine }
    }
}

/// `io.udplab.List`: every engine.
public enum ListMethod {
    public static let name = "io.udplab.List"

    public struct Reply: Codable, Sendable, Equatable {
        public var engines: [EngineInfo]
        public init(engines: [EngineInfo]) { self.engines = engines }
    }
}

/// `io.udplab.Stats`: counters of some or all engines; with `more`, again every `interval` seconds.
public enum StatsMethod {
    public static let name = "io.udplab.Stats"
    /// Allowed `interval` values, in seconds.
    public static let intervalRange = 0.05...3600

    public struct Parameters: Codable, Sendable, Equatable {
        public var names: [String]?
        /// Seconds between replies of a `more` call (default 1; ``StatsMethod/intervalRange``).
        public var interval: Double?
        public init(names: [String]? = nil, interval: Double? = nil) {
            self.names = names
            self.interval = interval
        }
    }

    public struct Reply: Codable, Sendable, Equatable {
        public var engines: [EngineStats]
        public init(engines: [EngineStats]) { self.engines = engines }
    }
}

extension StatsMethod.Parameters: RangedParameters {
    public static var numberRanges: [String: ClosedRange<Double>] { ["interval": StatsMethod.intervalRange] }
}

/// `io.udplab.Status`: the daemon itself.
public enum StatusMethod {
    public static let name = "io.udplab.Status"

    public struct Reply: Codable, Sendable, Equatable {
        public var version: String
        public var interfaceVersion: Int
        public var pid: Int32
        public var startedUsec: UInt64
        public var engines: Int
        public var running: Int
        public var socket: String
        public var stateDir: String
        public var config: String
        public var logLevel: String

        public init(
            version: String,
            interfaceVersion: Int,
            pid: Int32,
            startedUsec: UInt64,
            engines: Int,
            running: Int,
            socket: String,
            stateDir: String,
            config: String,
            logLevel: String
        ) {
            self.version = version
            self.interfaceVersion = interfaceVersion
            self.pid = pid
            self.startedUsec = startedUsec
            self.engines = engines
            self.running = running
            self.socket = socket
            self.stateDir = stateDir
            self.config = config
            self.logLevel = logLevel
        }

        enum CodingKeys: String, CodingKey {
            case version, pid, engines, running, socket, config
            case interfaceVersion = "interface_version"
            case startedUsec = "started_usec"
            case stateDir = "state_dir"
            case logLevel = "log_level"
        }
    }
}

/// `io.udplab.Reload`: re-read the config and reconcile declared engines, all or nothing.
public enum ReloadMethod {
    public static let name = "io.udplab.Reload"

    public struct Reply: Codable, Sendable, Equatable {
        public var started: [String]
        public var stopped: [String]
        public var restarted: [String]
        public var unchanged: [String]
        public init(started: [String], stopped: [String], restarted: [String], unchanged: [String]) {
            self.started = started
            self.stopped = stopped
            self.restarted = restarted
            self.unchanged = unchanged
        }
    }
}

/// `io.udplab.SetLogLevel`: change the daemon's log level until the next restart.
public enum SetLogLevelMethod {
    public static let name = "io.udplab.SetLogLevel"

    public struct Parameters: Codable, Sendable, Equatable {
        /// trace, debug, info, notice, warning, error or critical.
        public var level: String
        public init(level: String) { self.level = level }
    }
}

/// `org.varlink.service`: introspection every varlink service answers.
public enum VarlinkService {
    public static let getInfo = "org.varlink.service.GetInfo"
    public static let getInterfaceDescription = "org.varlink.service.GetInterfaceDescription"

    public struct Info: Codable, Sendable, Equatable {
        public var vendor: String
        public var product: String
        public var version: String
        public var url: String
        public var interfaces: [String]
        public init(vendor: String, product: String, version: String, url: String, interfaces: [String]) {
            self.vendor = vendor
            self.product = product
            self.version = version
            self.url = url
            self.interfaces = interfaces
        }
    }

    public struct DescriptionParameters: Codable, Sendable, Equatable {
        public var interface: String
        public init(interface: String) { self.interface = interface }
    }

    public struct Description: Codable, Sendable, Equatable {
        public var description: String
        public init(description: String) { self.description = description }
    }
}
