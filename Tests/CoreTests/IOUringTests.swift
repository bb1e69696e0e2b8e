import Foundation
import Synchronization
import Testing

@testable import UDPLabEngineKit
@testable import UDPLabEngines
@testable import UDPLabOS
@testable import UDPLabProtocol
@testable import UDPLabURing

/// `OS/IOUring`'s own contracts: what a submit that cannot make room does (on a real ring), and
/// which set-up failures mean io_uring is unavailable here (told by step and errno).
@Suite("IOUring")
struct IOUringTests {
    /// Hands the ring to a thread that is not its issuer (the test keeps it alive meanwhile).
    private final class RingBox: @unchecked Sendable {
        let ring: IOUring
        init(_ ring: IOUring) { self.ring = ring }
    }

    @Test("A full submission queue whose submit keeps failing is an error, not a queue left full to retry forever")
    func submitToMakeRoomFails() throws {
        let ring = try IOUring(bufferCount: 1, payloadSize: 1, completionBatch: 8)
        try ring.start()
        var queued = 0
        while ring.queueCancel(1, userData: 2) { queued += 1 }
        #expect(queued >= 5, "room for a reply per buffer, the receive, the poll and two cancellations")

        // Another thread is not the ring's single issuer: every submit from it fails (EEXIST),
        // as persistently as a submit error can.
        let box = RingBox(ring)
        let failure = Mutex<SystemError?>(nil)
        let thread = try OSThread.spawn(name: "test-not-issuer") {
            do throws(SystemError) {
                try box.ring.submitToMakeRoom()
            } catch {
                failure.withLock { $0 = error }
            }
        }
        thread.join()
        let error = try #require(failure.withLock { $0 })
        #expect(error.operation == "io_uring_enter")
        #expect(error.code == EEXIST, "\(error)")
        #expect(!ring.queueCancel(1, userData: 2), "still full")

        // The issuer's submit drains the queue.
        try ring.submitToMakeRoom()
        #expect(ring.queueCancel(1, userData: 2))
    }

    @Test("A set-up failure means io_uring is unavailable by its step and errno, not by the call's name")
    func unavailabilityByStepAndErrno() {
        func reason(_ step: IOUring.SetupFailure.Step, _ code: Int32, _ operation: String) -> String? {
            IOUring.SetupFailure(step: step, error: SystemError(code: code, operation: operation)).unavailability
        }
        #expect(reason(.ring, ENOSYS, "io_uring_setup")?.contains("this kernel has no io_uring") == true)
        #expect(reason(.ring, EPERM, "io_uring_setup")?.contains("io_uring is disabled") == true)
        #expect(reason(.ring, EACCES, "setup")?.contains("kernel.io_uring_disabled") == true)
        #expect(reason(.bufferRing, EINVAL, "register")?.contains("lacks provided-buffer rings") == true)
        // Memory running out, or EINVAL from the ring itself, is an error, not unavailability.
        #expect(reason(.ring, ENOMEM, "io_uring_setup") == nil)
        #expect(reason(.ring, EINVAL, "io_uring_register_buf_ring") == nil)
        #expect(reason(.bufferRing, ENOSYS, "io_uring_setup") == nil)
    }
}
