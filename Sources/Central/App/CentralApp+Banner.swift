import Foundation

extension CentralApp {
    /// Printed once on standard output at start: where central serves, the admin token (only
    /// on the start that created it), how a satellite registers, and how it trusts central.
    public var startupBanner: String {
        let scheme = configuration.httpTLS == nil ? "http" : "https"
        let host = Self.displayHost(configuration.httpHost)
        let base = "\(scheme)://\(host):\(httpPort)"
        var lines = ["pg-swarm central is serving on \(base)/ (API: /api/v1, OpenAPI: /api/v1/openapi.json)"]
        if let token = createdAdminToken {
            lines += [
                "Admin API token (shown only now; store it safely):",
                "    \(token)",
                "Use it as: curl -H 'Authorization: Bearer \(token)' \(base)/api/v1/satellites",
                "",
            ]
        }
        guard let grpc, let settings = configuration.grpc else {
            lines.append("No gRPC endpoint is configured: satellites cannot connect.")
            return lines.joined(separator: "\n") + "\n"
        }
        let address = "\(Self.displayHost(settings.host)):\(grpc.port)"
        if let authority = grpc.developmentCA {
            let action =
                switch authority.outcome {
                case .created: "created"
                case .reused: "reused"
                case .reissuedServerCertificate: "reused (server certificate issued again)"
                }
            lines += [
                "gRPC for satellites on \(address) over TLS, with a development CA central \(action) in \(authority.directory).",
                "Satellites trust central through the CA certificate \(absolute(authority.caCertificateFile))",
                "(copy it to the satellite, e.g. --central-ca-file; grpcio: ssl_channel_credentials(root_certificates=...)).",
                "The server certificate is valid for: \(authority.serverNames.joined(separator: ", ")) (add names with --tls-server-name).",
                "In production pass your own certificate with --tls-cert-file and --tls-key-file.",
            ]
        } else if grpc.usesTLS {
            lines.append("gRPC for satellites on \(address) over TLS with the configured certificate.")
        } else {
            lines.append("gRPC for satellites on \(address) in PLAINTEXT (--grpc-plaintext): development only.")
        }
        lines += [
            "Register a satellite: run it with --central-address <this host>:\(grpc.port) --name <k8s cluster>;",
            "it appears as pending in GET /api/v1/satellites; approve it with",
            "POST /api/v1/satellites/<id>/approve {\"name\": \"<display name>\"}.",
            "",
        ]
        return lines.joined(separator: "\n")
    }

    private static func displayHost(_ host: String) -> String {
        switch host {
        case "0.0.0.0", "::", "": "localhost"
        case let name where name.contains(":"): "[\(name)]"
        default: host
        }
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
