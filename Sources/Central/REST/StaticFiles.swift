import Foundation
import TextBasics
public import HTTP1

/// Serves the dashboard's files from a folder, with a built-in page when there is none yet.
///
/// Paths are resolved segment by segment: only plain names are accepted (no `..`, no hidden
/// files, no encoded slashes), and the resolved real path must stay inside the root, so a
/// symlink cannot lead out either. Unknown paths without an extension get `index.html`, as a
/// single-page app expects.
public struct StaticFiles: Sendable {
    public let root: String?

    public init(root: String?) {
        self.root = root.map { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path }
    }

    static let contentTypes: [String: String] = [
        "html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8",
        "mjs": "text/javascript; charset=utf-8",
        "css": "text/css; charset=utf-8", "json": "application/json", "svg": "image/svg+xml", "png": "image/png",
        "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "ico": "image/x-icon", "webp": "image/webp",
        "woff": "font/woff", "woff2": "font/woff2", "txt": "text/plain; charset=utf-8", "map": "application/json",
        "wasm": "application/wasm",
    ]

    public func serve(_ request: HTTPRequest) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return HTTPResponse(status: 405, headers: ["Allow": "GET, HEAD"])
        }
        var segments: [String] = []
        for raw in request.path.split(separator: "/") {
            guard let segment = PercentDecoding.decode(raw), Self.isPlainName(segment) else { return notFound() }
            segments.append(segment)
        }
        guard let root, FileManager.default.fileExists(atPath: root + "/index.html") else {
            return segments.isEmpty ? page(Self.placeholder, type: "text/html; charset=utf-8") : notFound()
        }
        let relative = segments.isEmpty ? "index.html" : segments.joined(separator: "/")
        if let response = file(relative, root: root) { return response }
        // Client-side routes (no extension) fall back to the app.
        if let last = segments.last, !last.contains("."), let response = file("index.html", root: root) {
            return response
        }
        return notFound()
    }

    private func file(_ relative: String, root: String) -> HTTPResponse? {
        let resolved = URL(fileURLWithPath: root + "/" + relative).standardizedFileURL.resolvingSymlinksInPath().path
        guard resolved.hasPrefix(root + "/") else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = FileManager.default.contents(atPath: resolved)
        else { return nil }
        let type = Self.contentTypes[(resolved as NSString).pathExtension.lowercased()] ?? "application/octet-stream"
        return page(Array(data), type: type)
    }

    private func page(_ bytes: [UInt8], type: String) -> HTTPResponse {
        HTTPResponse(
            status: 200,
            headers: [
                "Content-Type": type, "Cache-Control": "no-cache",
                "Content-Security-Policy":
                    "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
                "X-Frame-Options": "DENY",
            ], body: bytes)
    }

    private func notFound() -> HTTPResponse {
        HTTPResponse(
            status: 404, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array("not found\n".utf8))
    }

    static func isPlainName(_ segment: String) -> Bool {
        !segment.isEmpty && segment.count <= 255 && !segment.hasPrefix(".")
            && segment.unicodeScalars.allSatisfy { Syntax.isAlnum($0) || "-_.@~+".unicodeScalars.contains($0) }
    }

    static let placeholder = Array(
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>pg-swarm central</title></head>
        <body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto">
        <h1>pg-swarm central</h1>
        <p>The dashboard is not installed yet. The REST API is at <code>/api/v1</code>
        (document: <code>/api/v1/openapi.json</code>); every call needs
        <code>Authorization: Bearer &lt;token&gt;</code>.</p>
        <p>Health: <a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>.</p>
        </body></html>

        """.utf8)
}
