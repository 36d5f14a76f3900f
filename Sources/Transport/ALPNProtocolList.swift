import COpenSSL

/// ALPN identifiers in wire format (RFC 7301 §3.1: each prefixed by its one-byte length).
///
/// The bytes live in one allocation that never moves or changes after `init`, because OpenSSL
/// keeps pointers into it: the server's select callback returns a pointer into the selected
/// identifier. Written once, then read-only: hence `@unchecked Sendable`.
final class ALPNProtocolList: @unchecked Sendable {
    private let wire: UnsafeMutableBufferPointer<UInt8>

    var isEmpty: Bool { wire.isEmpty }

    init(_ identifiers: [String], required: Bool) throws(TransportError) {
        if required && identifiers.isEmpty {
            throw TransportError(
                kind: .tlsConfigurationInvalid, operation: .configureTLS,
                detail: "an application protocol is required but none is configured")
        }
        var bytes: [UInt8] = []
        for identifier in identifiers {
            let encoded = Array(identifier.utf8)
            guard (1...TransportLimits.maximumALPNIdentifierLength).contains(encoded.count) else {
                throw TransportError(
                    kind: .tlsConfigurationInvalid, operation: .configureTLS,
                    detail: "ALPN identifier must be 1 to 255 bytes long, got \(encoded.count)")
            }
            bytes.append(UInt8(encoded.count))
            bytes += encoded
        }
        wire = .allocate(capacity: bytes.count)
        _ = wire.initialize(from: bytes)
    }

    deinit {
        wire.deallocate()
    }

    /// Client side: offer these identifiers. False if OpenSSL refused them.
    func offer(on context: OpaquePointer) -> Bool {
        // Unusually, SSL_CTX_set_alpn_protos returns 0 on success.
        SSL_CTX_set_alpn_protos(context, wire.baseAddress, UInt32(wire.count)) == 0
    }

    /// Server side: pick from the client's offer by our preference.
    func installSelectCallback(on context: OpaquePointer) {
        guard !isEmpty else { return }
        SSL_CTX_set_alpn_select_cb(
            context, transportSelectApplicationProtocol, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Runs OpenSSL's selection (server preference order) against the client's offer.
    fileprivate func select(
        from offered: UnsafePointer<UInt8>, length: UInt32
    ) -> (UnsafePointer<UInt8>, UInt8)? {
        var selected: UnsafeMutablePointer<UInt8>?
        var selectedLength: UInt8 = 0
        let outcome = SSL_select_next_proto(
            &selected, &selectedLength, wire.baseAddress, UInt32(wire.count), offered, length)
        guard outcome == OPENSSL_NPN_NEGOTIATED, let selected else { return nil }
        return (UnsafePointer(selected), selectedLength)
    }

    /// The protocol the handshake settled on, if any.
    static func negotiated(by ssl: OpaquePointer) -> String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }
}

/// OpenSSL's ALPN select callback (server side). A plain top-level function in a non-main file,
/// as Swift 6 requires for C callbacks run on arbitrary threads (ENVIRONMENT.md). `argument` is
/// the context's `ALPNProtocolList`, which outlives every session of that context.
///
/// No overlap with a client that offered ALPN is fatal (`no_application_protocol` alert), as
/// RFC 7301 §3.2 asks; a client that offers nothing never reaches this callback.
private func transportSelectApplicationProtocol(
    _ ssl: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
    _ outLength: UnsafeMutablePointer<UInt8>?, _ offered: UnsafePointer<UInt8>?, _ offeredLength: UInt32,
    _ argument: UnsafeMutableRawPointer?
) -> Int32 {
    guard let out, let outLength, let offered, let argument else { return SSL_TLSEXT_ERR_ALERT_FATAL }
    let preferences = Unmanaged<ALPNProtocolList>.fromOpaque(argument).takeUnretainedValue()
    guard let (selected, length) = preferences.select(from: offered, length: offeredLength) else {
        return SSL_TLSEXT_ERR_ALERT_FATAL
    }
    out.pointee = selected
    outLength.pointee = length
    return SSL_TLSEXT_ERR_OK
}
