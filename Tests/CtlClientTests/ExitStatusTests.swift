import Foundation
import Testing
import UDPLabOS
import UDPLabProtocol

@testable import CtlClient

/// One exit status per class of error.
@Suite("Exit status")
struct ExitStatusTests {
    @Test(
        "Each daemon error has its status",
        arguments: [
            (ControlError.invalidSpec(reason: "bad"), Int32(65)),
            (.invalidParameter(parameter: "queue"), 65),
            (.engineNotFound(name: "x"), 66),
            (.engineExists(name: "x"), 67),
            (.addressInUse(address: "127.0.0.1:2000"), 68),
            (.backendUnavailable(backend: "uring", reason: "old kernel"), 70),
            (.limitReached(limit: "engines", maximum: 256), 71),
            (.protocolError(reason: "bad frame"), 76),
            (.internalError(reason: "oops"), 76),
            (.methodNotFound(method: "io.udplab.Nope"), 76),
            (.interfaceNotFound(interface: "io.nope"), 76),
            (.other(name: "io.udplab.Future", parameters: [:]), 76),
            (.permissionDenied(method: "io.udplab.Start"), 77),
        ]
    )
    func daemonErrors(error: ControlError, status: Int32) {
        #expect(ExitStatus(for: error).rawValue == status)
        #expect(ExitStatus(for: ClientError.daemon(error)).rawValue == status)
    }

    @Test("An unreachable daemon is 69, a socket this user may not open 77")
    func clientErrors() {
        let socket = "/run/udplabd.sock"
        let missing = SystemError(code: POSIXErrorCode.ENOENT.rawValue, operation: "connect(\(socket))")
        let refused = SystemError(code: POSIXErrorCode.ECONNREFUSED.rawValue, operation: "connect(\(socket))")
        let denied = SystemError(code: POSIXErrorCode.EACCES.rawValue, operation: "connect(\(socket))")
        #expect(ExitStatus(for: ClientError.unreachable(socket: socket, cause: missing)) == .unreachable)
        #expect(ExitStatus(for: ClientError.unreachable(socket: socket, cause: refused)) == .unreachable)
        #expect(ExitStatus(for: ClientError.unreachable(socket: socket, cause: denied)) == .permissionDenied)
        #expect(
            ExitStatus(for: ClientError.timedOut(socket: socket, after: DurationArgument(.seconds(5)))) == .unreachable
        )
        #expect(ExitStatus(for: ClientError.disconnected(socket: socket, cause: nil)) == .unreachable)
    }

    @Test("Failures read as one line")
    func descriptions() {
        let socket = "/run/udplabd.sock"
        let missing = SystemError(code: POSIXErrorCode.ENOENT.rawValue, operation: "connect(\(socket))")
        let refused = SystemError(code: POSIXErrorCode.ECONNREFUSED.rawValue, operation: "connect(\(socket))")
        #expect(
            ClientError.unreachable(socket: socket, cause: missing).description
                == "cannot reach udplabd at /run/udplabd.sock: no such socket (is udplabd running?)"
        )
        #expect(
            ClientError.unreachable(socket: socket, cause: refused).description
                == "cannot reach udplabd at /run/udplabd.sock: connection refused (is udplabd running?)"
        )
        #expect(
            ClientError.unreachable(socket: socket, cause: missing).unreachableReason
                == "no such socket: /run/udplabd.sock"
        )
        #expect(
            ClientError.timedOut(socket: socket, after: DurationArgument(.milliseconds(500))).description
                == "no reply from udplabd at /run/udplabd.sock within 500ms"
        )
        #expect(ClientError.daemon(.engineNotFound(name: "echo")).description == "no engine named 'echo'")
    }
}
