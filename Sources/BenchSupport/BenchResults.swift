import Foundation

/// `.bench/results.json`: one object per benchmark section, merged so each bench adds its own.
/// Shared by the benchmark executables (pg-bench, grpc-bench).
public enum BenchResults {
    public static func merge(section: String, figures: [String: Any]) throws {
        let directory = FileManager.default.currentDirectoryPath + "/.bench"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/results.json"
        var all: [String: Any] = [:]
        if let data = FileManager.default.contents(atPath: path),
            let existing = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            all = existing
        }
        var entry = figures
        entry["measured_at"] = ISO8601DateFormatter().string(from: Date())
        all[section] = entry
        let data = try JSONSerialization.data(withJSONObject: all, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
        print("  written to .bench/results.json (\(section))")
    }
}
