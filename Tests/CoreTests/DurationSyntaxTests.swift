import Testing

@testable import UDPLabEngineKit
@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol

/// The one duration grammar (`Duration(parsing:as:)`) and the one set of conversions.
@Suite("Duration syntax and units")
struct DurationSyntaxTests {
    @Test(
        "The command-line form: a decimal number, unit ms, s (the default) or m",
        arguments: [
            ("5", Duration.seconds(5)), ("5s", .seconds(5)), ("500ms", .milliseconds(500)),
            ("1.5s", .milliseconds(1500)),
            ("2m", .seconds(120)), ("0.05", .milliseconds(50)), ("0", .zero), ("0ms", .zero), ("007s", .seconds(7)),
            ("1.25m", .seconds(75)), ("0.3", .milliseconds(300)), ("1.5ms", .microseconds(1500)),
            ("0.000000001", .nanoseconds(1)), ("86400", .seconds(86_400)),
            // Digits below an attosecond do not count.
            ("1.0000000000000000009", .seconds(1)),
        ]
    )
    func commandLine(text: String, expected: Duration) throws {
        #expect(try Duration(parsing: text, as: .commandLine) == expected)
    }

    @Test(
        "The config-file form: a whole number and a unit ms, s, m or h",
        arguments: [
            ("500ms", Duration.milliseconds(500)), ("60s", .seconds(60)), ("2m", .seconds(120)),
            ("1h", .seconds(3600)), ("24h", .seconds(86_400)), ("0s", .zero), ("1ms", .milliseconds(1)),
        ]
    )
    func configFile(text: String, expected: Duration) throws {
        #expect(try Duration(parsing: text, as: .configFile) == expected)
    }

    @Test(
        "The command line refuses signs, exponents, blanks, bare dots, other units and words",
        arguments: [
            "", "s", "ms", "-1", "+1", "-1s", "1e3", "1e-2", "0x10", ".5", "5.", "5.s", "1..5", "5 s", " 5", "5 ",
            "5h", "5sec", "5S", "nan", "inf", "soon", "1.5.5s", "١s",
        ]
    )
    func commandLineRejects(text: String) {
        #expect(throws: Duration.ParseError(text: text, syntax: .commandLine, isTooLong: false)) {
            try Duration(parsing: text, as: .commandLine)
        }
    }

    @Test(
        "The config file also refuses a missing unit and a fraction",
        arguments: ["5", "1.5s", "0.5h", "60 s", "s", "-1s", "+1s", "1e3s", "5d", ""]
    )
    func configFileRejects(text: String) {
        #expect(throws: Duration.ParseError(text: text, syntax: .configFile, isTooLong: false)) {
            try Duration(parsing: text, as: .configFile)
        }
    }

    @Test(
        "More than a Duration holds is too long, not a trap",
        arguments: [
            ("99999999999999999999h", DurationSyntax.configFile), ("9223372036854775808s", .configFile),
            ("99999999999999999999999999999999999999999", .commandLine), ("153722867280912931m", .commandLine),
        ]
    )
    func tooLong(text: String, syntax: DurationSyntax) {
        #expect(throws: Duration.ParseError(text: text, syntax: syntax, isTooLong: true)) {
            try Duration(parsing: text, as: syntax)
        }
    }

    @Test("The longest duration that fits is read exactly")
    func largest() throws {
        #expect(try Duration(parsing: "9223372036854775807s", as: .configFile) == .seconds(Int64.max))
    }

    @Test("Problems say what to write")
    func messages() {
        let command = Duration.ParseError(text: "soon", syntax: .commandLine, isTooLong: false)
        #expect(command.description == "'soon' is not a duration: write e.g. 5, 500ms, 1.5s or 2m")
        let config = Duration.ParseError(text: "5", syntax: .configFile, isTooLong: false)
        #expect(config.description == "'5' is not a duration: write e.g. \"500ms\", \"60s\", \"2m\" or \"1h\"")
        #expect(
            Duration.ParseError(text: "9e99h", syntax: .configFile, isTooLong: true).description
                == "'9e99h' is too long a duration"
        )
    }

    @Test("Seconds as a Double: what the protocol's interval carries")
    func seconds() {
        #expect(Duration.milliseconds(250).seconds == 0.25)
        #expect(Duration.milliseconds(300).seconds == 0.3)
        #expect(Duration.milliseconds(1500).seconds == 1.5)
        #expect(Duration.seconds(120).seconds == 120)
        #expect(Duration.zero.seconds == 0)
    }

    @Test("Whole nanoseconds, microseconds and milliseconds: truncated, never negative, saturating")
    func wholeUnits() {
        let duration = Duration.nanoseconds(1_234_567_891)
        #expect(duration.nanoseconds == 1_234_567_891)
        #expect(duration.microseconds == 1_234_567)
        #expect(duration.milliseconds == 1234)
        #expect(duration.millisecondsRoundedUp == 1235)
        #expect(Duration.milliseconds(5).millisecondsRoundedUp == 5)
        #expect(Duration.nanoseconds(1).millisecondsRoundedUp == 1)
        #expect(Duration(secondsComponent: 0, attosecondsComponent: 1).nanoseconds == 0)
        for negative in [Duration.seconds(-1), .nanoseconds(-1), .milliseconds(-1500)] {
            #expect(negative.nanoseconds == 0 && negative.microseconds == 0)
            #expect(negative.milliseconds == 0 && negative.millisecondsRoundedUp == 0)
        }
        #expect(Duration.seconds(Int64.max).nanoseconds == .max)
        #expect(Duration.seconds(Int64.max).milliseconds == .max)
    }
}
