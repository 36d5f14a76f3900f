import Foundation
import HTTP1

struct ParameterBody: Decodable {
    let restartMode: RestartMode
    let pgContext: String?
    let category: String?
    let description: String?
    enum CodingKeys: String, CodingKey {
        case category, description
        case restartMode = "restart_mode"
        case pgContext = "pg_context"
    }
}

struct VariantBody: Decodable {
    let name: String
    let description: String?
}

struct VersionBody: Decodable {
    let version: String
    let variant: String
    let imageTag: String
    enum CodingKeys: String, CodingKey {
        case version, variant
        case imageTag = "image_tag"
    }
}

struct TierBody: Decodable {
    let name: String
    let description: String?
}

extension RouteTable {
    mutating func addCatalogRoutes(_ environment: CentralEnvironment) {
        let store = environment.store
        let live = environment.live

        // MARK: Parameter catalog
        let parameters = "/api/v1/pg-parameters"
        get(
            parameters, "The PostgreSQL parameter catalog with restart classes", tag: "Catalog",
            response: Schema.array(Schema.ref("Parameter"))
        ) {
            _ in RESTResponse.json(try await store.parameters())
        }
        write(
            "PUT", "\(parameters)/{name}", "Add or change a catalog entry", tag: "Catalog",
            body: Schema.ref("ParameterRequest"),
            response: Schema.ref("Parameter")
        ) { request in
            let name = request.path("name")
            let body = try request.decode(ParameterBody.self)
            var check = Validator()
            check.check(Syntax.isParameterName(name), "name", "invalid parameter name")
            let contexts = ["internal", "postmaster", "sighup", "superuser-backend", "backend", "superuser", "user"]
            check.check(
                contexts.contains(body.pgContext ?? "user"), "pg_context", "one of \(contexts.joined(separator: ", "))")
            check.check(
                Syntax.isSingleLine(body.category ?? "", maximumLength: 64), "category",
                "a single line of at most 64 bytes")
            check.check(
                Syntax.isSingleLine(body.description ?? "", maximumLength: 1000), "description",
                "a single line of at most 1000 bytes")
            try check.finish()
            let saved = try await store.upsertParameter(
                ParameterInfo(
                    name: name, restartMode: body.restartMode, pgContext: body.pgContext ?? "user",
                    category: body.category ?? "", description: body.description ?? ""))
            live.publish("catalog.changed", ["resource": "pg-parameters"])
            return RESTResponse.json(saved)
        }
        write(
            "DELETE", "\(parameters)/{name}", "Remove a catalog entry", tag: "Catalog", body: nil, status: 204,
            response: nil
        ) {
            request in
            guard try await store.deleteParameter(request.path("name")) else { throw APIError.notFound("parameter") }
            live.publish("catalog.changed", ["resource": "pg-parameters"])
            return RESTResponse.noContent()
        }

        // MARK: PostgreSQL variants and versions
        let variants = "/api/v1/postgres-variants"
        get(
            variants, "Image variants", tag: "PostgreSQL versions",
            response: Schema.array(Schema.ref("PostgresVariant"))
        ) { _ in
            RESTResponse.json(try await store.variants())
        }
        write(
            "POST", variants, "Add an image variant", tag: "PostgreSQL versions", body: Schema.ref("VariantRequest"),
            status: 201, response: Schema.ref("PostgresVariant"), errors: [409]
        ) { request in
            let body = try request.decode(VariantBody.self)
            var check = Validator()
            check.check(
                Syntax.isDNSLabel(body.name, maximumLength: 32), "name", "lowercase letters, digits and - (at most 32)")
            check.check(
                Syntax.isSingleLine(body.description ?? "", maximumLength: 1000), "description", "a single line")
            try check.finish()
            guard let variant = try await store.createVariant(name: body.name, description: body.description ?? "")
            else {
                throw APIError.conflict("variant \(body.name) exists")
            }
            live.publish("catalog.changed", ["resource": "postgres-variants"])
            return RESTResponse.json(variant, status: 201)
        }
        write(
            "DELETE", "\(variants)/{id}", "Remove a variant (refused while versions use it)",
            tag: "PostgreSQL versions",
            body: nil, status: 204, response: nil, errors: [409]
        ) { request in
            switch try await store.deleteVariant(try request.uuid("id", resource: "variant")) {
            case nil: throw APIError.notFound("variant")
            case false?: throw APIError.conflict("versions still use this variant")
            case true?:
                live.publish("catalog.changed", ["resource": "postgres-variants"])
                return RESTResponse.noContent()
            }
        }
        let versions = "/api/v1/postgres-versions"
        get(
            versions, "PostgreSQL versions and their images", tag: "PostgreSQL versions",
            response: Schema.array(Schema.ref("PostgresVersion"))
        ) {
            _ in RESTResponse.json(try await store.versions())
        }
        let saveVersion: @Sendable (UUID?, RESTRequest) async throws -> HTTPResponse = { id, request in
            let body = try request.decode(VersionBody.self)
            var check = Validator()
            check.check(
                body.version.count <= 8 && !body.version.isEmpty
                    && body.version.split(separator: ".", omittingEmptySubsequences: false).allSatisfy {
                        !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit)
                    }, "version", "a version such as 17 or 17.2")
            check.check(Syntax.isDNSLabel(body.variant, maximumLength: 32), "variant", "a variant name")
            check.check(
                !body.imageTag.isEmpty && body.imageTag.count <= 128
                    && body.imageTag.unicodeScalars.allSatisfy {
                        Syntax.isAlnum($0) || "._-".unicodeScalars.contains($0)
                    },
                "image_tag", "an image tag (letters, digits, . _ -)")
            try check.finish()
            switch try await store.saveVersion(
                id: id, version: body.version, variant: body.variant, imageTag: body.imageTag)
            {
            case .notFound: throw APIError.notFound("version")
            case .duplicate: throw APIError.conflict("\(body.version) (\(body.variant)) exists")
            case .unknownVariant: throw APIError.invalid("variant", "unknown variant")
            case .saved(let version):
                live.publish("catalog.changed", ["resource": "postgres-versions"])
                return RESTResponse.json(version, status: id == nil ? 201 : 200)
            }
        }
        write(
            "POST", versions, "Add a version", tag: "PostgreSQL versions", body: Schema.ref("VersionRequest"),
            status: 201,
            response: Schema.ref("PostgresVersion"), errors: [409]
        ) { request in try await saveVersion(nil, request) }
        write(
            "PUT", "\(versions)/{id}", "Change a version", tag: "PostgreSQL versions",
            body: Schema.ref("VersionRequest"),
            response: Schema.ref("PostgresVersion"), errors: [409]
        ) { request in try await saveVersion(try request.uuid("id", resource: "version"), request) }
        write(
            "DELETE", "\(versions)/{id}", "Remove a version", tag: "PostgreSQL versions", body: nil, status: 204,
            response: nil
        ) {
            request in
            guard try await store.deleteVersion(try request.uuid("id", resource: "version")) else {
                throw APIError.notFound("version")
            }
            live.publish("catalog.changed", ["resource": "postgres-versions"])
            return RESTResponse.noContent()
        }
        write(
            "POST", "\(versions)/{id}/default", "Make this the default version", tag: "PostgreSQL versions", body: nil,
            response: Schema.ref("PostgresVersion")
        ) { request in
            guard let version = try await store.setDefaultVersion(try request.uuid("id", resource: "version")) else {
                throw APIError.notFound("version")
            }
            live.publish("catalog.changed", ["resource": "postgres-versions"])
            return RESTResponse.json(version)
        }

        // MARK: Storage tiers
        let tiers = "/api/v1/storage-tiers"
        get(tiers, "Storage tiers", tag: "Storage tiers", response: Schema.array(Schema.ref("StorageTier"))) { _ in
            RESTResponse.json(try await store.storageTiers())
        }
        let saveTier: @Sendable (UUID?, RESTRequest) async throws -> HTTPResponse = { id, request in
            let body = try request.decode(TierBody.self)
            var check = Validator()
            check.check(Syntax.isResourceName(body.name), "name", "letters, digits, space, . _ - (at most 63)")
            check.check(
                Syntax.isSingleLine(body.description ?? "", maximumLength: 1000), "description", "a single line")
            try check.finish()
            switch try await store.saveStorageTier(id: id, name: body.name, description: body.description ?? "") {
            case .notFound: throw APIError.notFound("storage tier")
            case .duplicate: throw APIError.conflict("tier \(body.name) exists")
            case .saved(let tier):
                live.publish("catalog.changed", ["resource": "storage-tiers"])
                return RESTResponse.json(tier, status: id == nil ? 201 : 200)
            }
        }
        write(
            "POST", tiers, "Add a storage tier", tag: "Storage tiers", body: Schema.ref("TierRequest"), status: 201,
            response: Schema.ref("StorageTier"), errors: [409]
        ) { request in try await saveTier(nil, request) }
        write(
            "PUT", "\(tiers)/{id}", "Change a storage tier", tag: "Storage tiers", body: Schema.ref("TierRequest"),
            response: Schema.ref("StorageTier"), errors: [409]
        ) { request in try await saveTier(try request.uuid("id", resource: "storage tier"), request) }
        write(
            "DELETE", "\(tiers)/{id}", "Remove a storage tier", tag: "Storage tiers", body: nil, status: 204,
            response: nil
        ) {
            request in
            guard try await store.deleteStorageTier(try request.uuid("id", resource: "storage tier")) else {
                throw APIError.notFound("storage tier")
            }
            live.publish("catalog.changed", ["resource": "storage-tiers"])
            return RESTResponse.noContent()
        }
    }
}
