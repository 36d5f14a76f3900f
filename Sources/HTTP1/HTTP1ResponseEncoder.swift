/// Serialises response heads and chunks (RFC 9112 §4, §7.1).
public enum HTTP1ResponseEncoder {
    /// Status line and headers. Adds `Content-Length` for complete bodies, `Transfer-Encoding:
    /// chunked` for streams, and `Connection: close` when the connection will close.
    public static func head(for response: HTTPResponse, closing: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(response.status) \(HTTPStatus.reasonPhrase(response.status))\r\n"
        for field in response.headers
        where !field.name.caseInsensitiveEquals("Content-Length")
            && !field.name.caseInsensitiveEquals("Transfer-Encoding")
            && !field.name.caseInsensitiveEquals("Connection")
        {
            // Handlers never put user input into header values unchecked; this is the last guard
            // against response splitting.
            let value = String(field.value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" })
            text += "\(field.name): \(value)\r\n"
        }
        switch response.body {
        case .bytes(let bytes):
            // 1xx, 204 and 304 carry no body and no length (RFC 9110 §8.6).
            if response.status >= 200 && response.status != 204 && response.status != 304 {
                text += "Content-Length: \(bytes.count)\r\n"
            }
        case .stream:
            text += "Transfer-Encoding: chunked\r\n"
        }
        if closing { text += "Connection: close\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    public static func chunk(_ bytes: [UInt8]) -> [UInt8] {
        Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + [13, 10]
    }

    public static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)

    public static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
}
