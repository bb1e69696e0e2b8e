import Testing

@testable import CtlClient

/// `--timeout` and `--watch` values.
@Suite("Durations")
struct DurationArgumentTests {
    @Test(
        "Parses seconds, milliseconds and minutes",
        arguments: [
            ("5", Duration.seconds(5)),
            ("5s", .seconds(5)),
            ("1.5s", .milliseconds(1500)),
            ("500ms", .milliseconds(500)),
            ("2m", .seconds(120)),
            ("0.05", .milliseconds(50)),
        ]
    )
    func parses(text: String, duration: Duration) throws {
        #expect(try #require(DurationArgument(argument: text)).duration == duration)
    }

    @Test(
        "Rejects what is not a positive duration up to a day",
        arguments: ["", "s", "0", "-1", "5h", "5 s", "nan", "2000m"]
    )
    func rejects(text: String) {
        #expect(DurationArgument(argument: text) == nil)
    }

    @Test(
        "Describes itself as it would be typed",
        arguments: [
            (Duration.seconds(5), "5s"),
            (.milliseconds(500), "500ms"),
            (.seconds(120), "2m"),
            (.seconds(90), "90s"),
        ]
    )
    func describes(duration: Duration, text: String) {
        #expect(DurationArgument(duration).description == text)
        #expect(DurationArgument(argument: text) == DurationArgument(duration))
    }

    @Test("Gives the protocol's seconds")
    func seconds() {
        #expect(DurationArgument(.milliseconds(250)).seconds == 0.25)
    }
}
