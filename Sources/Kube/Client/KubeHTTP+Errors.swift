import HTTP1
import Transport

extension KubeHTTP {
    /// A transport or framing failure as a `TransportFailure`: whether the request certainly
    /// never reached the server (`cannotConnect`, so even a write may be retried), TLS refused,
    /// or the connection broke once the request may have been sent.
    static func transportError(_ error: any Error) -> KubeError {
        switch error {
        case let error as KubeError:
            return error
        case let error as TransportError:
            return .transport(
                TransportFailure(kind: kind(of: error), code: Int(error.errno ?? 0), message: error.description))
        case let error as HTTP1ResponseError:
            return .transport(TransportFailure(kind: .connectionLost, code: 0, message: "bad response: \(error)"))
        case let error as HTTP1RequestEncodingError:
            return .invalidConfiguration("\(error)")
        default:
            return .transport(TransportFailure(kind: .other, code: 0, message: "\(error)"))
        }
    }

    private static func kind(of error: TransportError) -> TransportFailure.Kind {
        switch error.kind {
        case .tlsConfigurationInvalid, .certificateVerificationFailed, .tlsHandshakeFailed,
            .applicationProtocolNotNegotiated, .tlsFailed:
            return .tlsFailed
        case .connectionRefused, .unreachable, .addressResolutionFailed, .addressUnavailable:
            return .cannotConnect
        case .connectionReset, .timedOut, .closed, .systemCallFailed:
            // Before the connection existed, nothing was sent.
            switch error.operation {
            case .resolve, .socket, .bind, .connect: return .cannotConnect
            case .listen, .accept, .read, .write, .wait, .configureTLS, .handshake:
                return error.kind == .systemCallFailed ? .other : .connectionLost
            }
        }
    }
}
