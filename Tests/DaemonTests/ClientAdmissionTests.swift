import Testing

@testable import Daemon

/// The client limits' arithmetic, for uids a test cannot log in as (several administrators).
@Suite("Client admission")
struct ClientAdmissionTests {
    @Test("Administrators fill the rest up to 64; then everyone gets LimitReached clients")
    func totalLimit() {
        var admission = ClientAdmission()
        for uid in UInt32(1000)..<1003 {
            for _ in 0..<16 { #expect(admission.admit(uid: uid, isAdmin: false) == nil) }
        }
        #expect(admission.admit(uid: 1003, isAdmin: false) == .limitReached(limit: "unprivileged clients", maximum: 48))
        for _ in 0..<16 { #expect(admission.admit(uid: 0, isAdmin: true) == nil) }
        #expect(admission.admit(uid: 0, isAdmin: true) == .limitReached(limit: "clients per uid", maximum: 16))
        #expect(admission.admit(uid: 990, isAdmin: true) == .limitReached(limit: "clients", maximum: 64))
        #expect(admission.total == 64)

        admission.release(uid: 1000, isAdmin: false)
        #expect(admission.admit(uid: 990, isAdmin: true) == nil, "the freed slot goes to whoever comes")
        admission.release(uid: 990, isAdmin: true)
        #expect(admission.admit(uid: 1003, isAdmin: false) == nil)
        #expect(admission.unprivileged == 48)
    }

    @Test("Releasing every client of a uid forgets it")
    func release() {
        var admission = ClientAdmission()
        #expect(admission.admit(uid: 7, isAdmin: false) == nil)
        admission.release(uid: 7, isAdmin: false)
        #expect(admission.total == 0 && admission.unprivileged == 0)
        for _ in 0..<16 { #expect(admission.admit(uid: 7, isAdmin: false) == nil) }
    }
}
