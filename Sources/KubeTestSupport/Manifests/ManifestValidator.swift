import ChildProcesses
import Foundation
public import Kube

/// Offline manifest checks from Swift, with the same tools as Tests/e2e/manifests.py
/// (`kubectl kustomize` and `kubernetes-validate --strict` from .venv, installed by
/// `make deps`): for the objects the operator builds with the `Kube` models.
public enum ManifestValidator {
    /// The oldest and newest Kubernetes schema sets checked (kubernetes-validate bundles
    /// 1.25-1.37).
    public static let versions = ["1.25.0", "1.37.0"]

    public struct Failure: Error, CustomStringConvertible {
        public let output: String
        public var description: String { "manifest check failed:\n\(output)" }
    }

    static func tool(_ name: String) -> String {
        KubeTestEnvironment.repositoryRoot + "/.venv/bin/" + name
    }

    /// Whether the tools are installed (`make deps`).
    public static var toolsAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: tool("kubernetes-validate"))
            && FileManager.default.isExecutableFile(atPath: tool("kubectl"))
    }

    /// Validates the objects (as the client would send them) against the schemas, strictly:
    /// unknown fields and wrong types fail. Returns the tool's per-object "passed" lines.
    @discardableResult
    public static func validate(_ objects: [any KubeObject]) async throws -> [String] {
        var documents: [String] = []
        for object in objects {
            var tree = try JSONCoding.tree(of: object)
            if case .object(var fields) = tree {
                let type = Swift.type(of: object).resourceType
                fields["apiVersion"] = fields["apiVersion"] ?? .string(type.apiVersion(type.version))
                fields["kind"] = fields["kind"] ?? .string(type.kind)
                tree = .object(fields)
            }
            documents.append(String(decoding: try JSONCoding.encode(tree), as: UTF8.self))
        }
        return try await validate(yaml: documents.joined(separator: "\n---\n"))
    }

    /// Validates a (multi-document) YAML or JSON text.
    @discardableResult
    public static func validate(yaml text: String) async throws -> [String] {
        let dir = try makePrivateTemporaryDirectory(prefix: "manifests")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/objects.yaml"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        var passed: [String] = []
        for version in versions {
            let result = try await ChildProcess.run(
                ProcessSpec(
                    executable: tool("kubernetes-validate"), arguments: ["--strict", "--no-warn", "-k", version, file],
                    environment: ["PATH": "/usr/bin:/bin", "HOME": dir]),
                timeout: .seconds(120))
            guard result.status.isSuccess else { throw Failure(output: result.output) }
            passed += result.output.split(separator: "\n").map(String.init).filter { $0.contains(" passed ") }
        }
        return passed
    }

    /// `kubectl kustomize directory` (offline), then `validate(yaml:)`; returns the YAML.
    public static func checkKustomization(_ directory: String) async throws -> String {
        let dir = try makePrivateTemporaryDirectory(prefix: "kustomize")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let output = dir + "/rendered.yaml"
        // kubectl writes the rendering to a file (-o), so that stderr stays apart from it.
        let result = try await ChildProcess.run(
            ProcessSpec(
                executable: tool("kubectl"), arguments: ["kustomize", directory, "-o", output],
                environment: ["PATH": "/usr/bin:/bin", "HOME": dir]),
            timeout: .seconds(120))
        guard result.status.isSuccess else { throw Failure(output: result.output) }
        let rendered = try String(contentsOfFile: output, encoding: .utf8)
        try await validate(yaml: rendered)
        return rendered
    }
}
