import Foundation
import Testing
import UDPLabOS

/// `PrintfNumber` and `CivilTime` replace Foundation's `String(format:)` and `DateFormatter` in
/// the programs; here they are held to what Foundation writes (tests may import it).
@Suite("Printf numbers and civil time")
struct PrintfNumberTests {
    static let values: [Double] = [
        0, -0.0, 0.004, 0.005, 1.5, 2.5, 12.345, 495, 1e6, 1_234_567.891, -3.75, .infinity, .nan,
    ]

    @Test("fixed and significant write what String(format:) writes", arguments: values)
    func sameAsFoundation(value: Double) {
        for digits in [0, 1, 2, 9] {
            #expect(PrintfNumber.fixed(value, digits: digits) == String(format: "%.\(digits)f", value))
        }
        #expect(PrintfNumber.significant(value, digits: 3) == String(format: "%.3g", value))
    }

    @Test("a fixed offset: the wall clock east of UTC, named +hhmm, or UTC at zero")
    func fixedOffset() {
        let berlinSummer = CivilTime.fixed(secondsSince1970: 1_750_000_000, utcOffset: 7200)
        #expect([berlinSummer.year, berlinSummer.month, berlinSummer.day] == [Int]([2025, 6, 15]))
        #expect([berlinSummer.hour, berlinSummer.minute, berlinSummer.second] == [Int]([17, 6, 40]))
        #expect(berlinSummer.zoneAbbreviation == "+0200")
        #expect(CivilTime.fixed(secondsSince1970: 0, utcOffset: -(9 * 3600 + 30 * 60)).zoneAbbreviation == "-0930")
        #expect(CivilTime.fixed(secondsSince1970: 0, utcOffset: 0).zoneAbbreviation == "UTC")
    }

    @Test("the local zone is the one Foundation's full TimeZone.current sees")
    func localZone() {
        let seconds = 1_750_000_000
        let local = CivilTime.local(secondsSince1970: seconds)
        let date = Date(timeIntervalSince1970: Double(seconds))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let expected: [Int?] = [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second]
        let seen: [Int?] = [local.year, local.month, local.day, local.hour, local.minute, local.second]
        #expect(seen == expected)
        #expect(local.utcOffset == TimeZone.current.secondsFromGMT(for: date))
    }
}
