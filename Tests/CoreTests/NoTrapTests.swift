import Testing

@testable import UDPLabEngineKit
@testable import UDPLabOS

/// Inputs that once trapped in Core: each is now handled.
@Suite("No traps")
struct NoTrapTests {
    @Test("A thread name whose 15-byte cut splits a character still names the thread")
    func threadNameCutInACharacter() throws {
        // "udplab-x" is 8 bytes; each "é" is 2, so the 15th byte is the first half of the fourth.
        let thread = try OSThread.spawn(name: "udplab-xéééééé") {}
        thread.join()
    }

    @Test("A stall too long for an Int of milliseconds saturates")
    func hugeStall() throws {
        let control = LoopControl(waker: try Waker())
        control.requestStall(for: .seconds(Int64.max))
        // Replaced before any loop would carry it out.
        control.requestStall(for: .zero)
    }
}
