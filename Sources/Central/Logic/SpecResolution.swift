import Foundation

/// Turns a spec into what one satellite runs: storage tiers mapped to that satellite's
/// StorageClasses and the PostgreSQL image looked up in the versions catalog. Pure.
public enum SpecResolution {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case tierNotMapped(tier: String)
        case imageUnknown(version: String, variant: String)

        public var description: String {
            switch self {
            case .tierNotMapped(let tier): return "storage tier '\(tier)' has no mapping on this satellite"
            case .imageUnknown(let version, let variant):
                return "PostgreSQL \(version) (\(variant)) is not in the versions catalog and no image is given"
            }
        }
    }

    /// `tier:<name>` storage classes replaced through `tierMappings` (tier name → StorageClass).
    public static func resolveTiers(_ spec: ClusterSpec, tierMappings: [String: String]) throws(Failure) -> ClusterSpec
    {
        var resolved = spec
        resolved.storage.storageClass = try resolveClass(spec.storage.storageClass, tierMappings)
        if let wal = spec.walStorage {
            resolved.walStorage?.storageClass = try resolveClass(wal.storageClass, tierMappings)
        }
        return resolved
    }

    private static func resolveClass(_ storageClass: String, _ mappings: [String: String]) throws(Failure) -> String {
        guard storageClass.hasPrefix("tier:") else { return storageClass }
        let tier = String(storageClass.dropFirst(5))
        guard let mapped = mappings[tier] else { throw .tierNotMapped(tier: tier) }
        return mapped
    }

    /// Image reference for the spec's version and variant (`registry/postgres:tag`), else the
    /// spec's explicit image.
    public static func image(for spec: PostgresImageSpec, catalog: [PostgresVersion]) throws(Failure) -> String {
        if let entry = catalog.first(where: {
            $0.version == spec.version && $0.variant.caseInsensitiveCompare(spec.variant) == .orderedSame
        }) {
            let reference = "postgres:\(entry.imageTag)"
            let registry = spec.registry.hasSuffix("/") ? String(spec.registry.dropLast()) : spec.registry
            return registry.isEmpty ? reference : "\(registry)/\(reference)"
        }
        guard !spec.image.isEmpty else { throw .imageUnknown(version: spec.version, variant: spec.variant) }
        return spec.image
    }
}
