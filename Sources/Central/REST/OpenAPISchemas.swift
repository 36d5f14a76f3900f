/// Component schemas of the OpenAPI document, one per JSON shape the API reads or writes.
/// Responses list every field the encoder writes (`required`), so schemathesis can check them.
enum OpenAPISchemas {
    typealias S = Schema
    static let dateTime: JSONValue = ["type": "string", "format": "date-time"]
    static let nullableDateTime: JSONValue = ["type": "string", "format": "date-time", "nullable": true]
    static let nullableUUID: JSONValue = ["type": "string", "format": "uuid", "nullable": true]
    static let nullableString: JSONValue = ["type": "string", "nullable": true]
    static let int: JSONValue = ["type": "integer"]

    static func object(_ properties: [String: JSONValue], required: [String]? = nil) -> JSONValue {
        S.object(properties, required: required ?? properties.keys.sorted())
    }

    static var all: [String: JSONValue] {
        var schemas: [String: JSONValue] = [:]
        schemas["Error"] = object(
            [
                "error": S.string, "code": S.string, "request_id": S.string,
                "details": ["type": "object", "nullable": true],
            ], required: ["error", "code", "request_id"])
        schemas["Status"] = object(["status": S.string])
        schemas["StorageClass"] = object([
            "name": S.string, "provisioner": S.string, "reclaim_policy": S.string, "volume_binding_mode": S.string,
            "is_default": S.boolean, "allow_volume_expansion": S.boolean,
        ])
        schemas["Satellite"] = object(
            [
                "id": S.uuid, "name": nullableString, "hostname": S.string, "k8s_cluster_name": S.string,
                "region": S.string,
                "labels": S.stringMap, "storage_classes": S.array(S.ref("StorageClass")), "tier_mappings": S.stringMap,
                "state": S.enumeration(SatelliteState.allCases.map(\.rawValue)), "satellite_version": S.string,
                "desired_state_version": int, "replaced_by": nullableUUID, "last_heartbeat": nullableDateTime,
                "approved_at": nullableDateTime, "created_at": dateTime, "updated_at": dateTime,
            ],
            required: [
                "id", "hostname", "k8s_cluster_name", "region", "labels", "storage_classes", "tier_mappings", "state",
                "satellite_version", "desired_state_version", "created_at", "updated_at",
            ])
        schemas["ApproveRequest"] = S.object(["name": S.string, "replace": S.boolean], required: ["name"])
        schemas["ApprovalResult"] = object(
            ["satellite": S.ref("Satellite"), "replaced_satellite_id": nullableUUID], required: ["satellite"])
        schemas["LabelsRequest"] = S.object(["labels": S.stringMap], required: ["labels"])
        schemas["TierMappingsRequest"] = S.object(["tier_mappings": S.stringMap], required: ["tier_mappings"])
        schemas["LogLevelRequest"] = S.object(
            [
                "level": S.enumeration(LogRecord.levels), "target": S.enumeration(["satellite", "sidecars", "all"]),
                "cluster_name": S.string, "namespace": S.string,
            ], required: ["level"])
        schemas["LogRecord"] = object([
            "level": S.string, "message": S.string, "fields": S.stringMap, "timestamp": dateTime, "logger": S.string,
            "origin": S.string, "pod_name": S.string,
        ])
        schemas.merge(specSchemas) { $1 }
        schemas["Cluster"] = object(
            [
                "id": S.uuid, "name": S.string, "namespace": S.string, "satellite_id": S.uuid,
                "profile_id": nullableUUID,
                "deployment_rule_id": nullableUUID, "spec": S.ref("ClusterSpec"), "config_version": int,
                "applied_config_version": int, "applied_profile_version": int,
                "state": S.enumeration(ClusterState.allCases.map(\.rawValue)), "paused": S.boolean,
                "paused_reason": ["type": "string", "nullable": true, "enum": ["manual", "selector_mismatch", .null]],
                "last_apply_error": nullableString, "delete_requested": S.boolean, "created_at": dateTime,
                "updated_at": dateTime,
            ],
            required: [
                "id", "name", "namespace", "satellite_id", "spec", "config_version", "applied_config_version",
                "applied_profile_version", "state", "paused", "delete_requested", "created_at", "updated_at",
            ])
        schemas["ClusterCreateRequest"] = S.object(
            [
                "name": S.string, "namespace": S.string, "satellite_id": S.uuid, "profile_id": S.uuid,
                "spec": S.ref("ClusterSpec"),
            ], required: ["name", "satellite_id"])
        schemas["ClusterUpdateRequest"] = S.object(["spec": S.ref("ClusterSpec")], required: ["spec"])
        schemas["ConfirmRequest"] = S.object(["confirmed": S.boolean])
        let change = object(["path": S.string, "old": S.string, "new": S.string])
        schemas["SpecChange"] = change
        schemas["ChangeImpact"] = object([
            "apply_strategy": S.enumeration(ApplyStrategy.allCases.map(\.rawValue)),
            "reload_changes": S.array(S.ref("SpecChange")), "sequential_changes": S.array(S.ref("SpecChange")),
            "full_restart_changes": S.array(S.ref("SpecChange")), "immutable_errors": S.array(S.string),
            "scale_up": S.boolean, "scale_down": S.boolean,
        ])
        schemas["ProfileDiff"] = object([
            "cluster_id": S.uuid, "profile_id": S.uuid, "applied_profile_version": int, "latest_profile_version": int,
            "impact": S.ref("ChangeImpact"),
        ])
        schemas["ApplyResult"] = object(["cluster": S.ref("Cluster"), "impact": S.ref("ChangeImpact")])
        schemas["ClusterDatabase"] = object([
            "id": S.uuid, "cluster_id": S.uuid, "db_name": S.string, "db_user": S.string,
            "allowed_cidrs": S.array(S.string), "status": S.enumeration(["pending", "created", "failed"]),
            "error_message": S.string, "created_at": dateTime, "updated_at": dateTime,
        ])
        schemas["DatabaseCreateRequest"] = S.object(
            ["db_name": S.string, "db_user": S.string, "password": S.string, "allowed_cidrs": S.array(S.string)],
            required: ["db_name", "db_user", "password"])
        schemas["DatabaseUpdateRequest"] = S.object([
            "db_user": S.string, "password": S.string, "allowed_cidrs": S.array(S.string),
        ])
        schemas["SwitchoverRequest"] = S.object(["target_pod": S.string, "interactive": S.boolean])
        schemas["OperationRequest"] = S.object(["operation_id": S.uuid], required: ["operation_id"])
        schemas["SwitchoverStep"] = object([
            "step": S.string, "status": S.string, "target_pod": S.string, "error_message": S.string,
            "point_of_no_return": S.boolean, "detail": S.string, "at": dateTime,
        ])
        schemas["SwitchoverOperation"] = object(
            [
                "id": S.uuid, "cluster_id": S.uuid, "satellite_id": S.uuid, "target_pod": S.string,
                "interactive": S.boolean,
                "status": S.enumeration([
                    "requested", "running", "waiting_for_confirmation", "succeeded", "failed", "aborted",
                ]),
                "current_step": S.string, "waiting_step": S.string, "steps": S.array(S.ref("SwitchoverStep")),
                "old_primary_pod": S.string, "new_primary_pod": S.string, "error_message": S.string,
                "rolled_back": S.boolean, "requested_at": dateTime, "finished_at": nullableDateTime,
            ],
            required: [
                "id", "cluster_id", "satellite_id", "target_pod", "interactive", "status", "current_step",
                "waiting_step",
                "steps", "old_primary_pod", "new_primary_pod", "error_message", "rolled_back", "requested_at",
            ])
        schemas["Profile"] = object([
            "id": S.uuid, "name": S.string, "description": S.string, "spec": S.ref("ClusterSpec"),
            "latest_version": int, "in_use": S.boolean, "created_at": dateTime, "updated_at": dateTime,
        ])
        schemas["ProfileRequest"] = S.object(
            ["name": S.string, "description": S.string, "spec": S.ref("ClusterSpec")], required: ["name", "spec"])
        schemas["ProfileVersion"] = object([
            "profile_id": S.uuid, "version": int, "spec": S.ref("ClusterSpec"), "change_summary": S.string,
            "created_at": dateTime,
        ])
        schemas["ImpactReport"] = object([
            "affected_clusters": S.array(S.uuid), "impact": S.ref("ChangeImpact"), "requires_confirmation": S.boolean,
        ])
        schemas["ProfileWriteResult"] = object(
            ["profile": S.ref("Profile"), "change_impact": ["allOf": [S.ref("ImpactReport")], "nullable": true]],
            required: ["profile"])
        schemas["NameRequest"] = S.object(["name": S.string], required: ["name"])
        schemas["RevertRequest"] = S.object(["target_version": int], required: ["target_version"])
        schemas["ProfileApplyRequest"] = S.object(["confirmed": S.boolean, "cluster_ids": S.array(S.uuid)])
        schemas["ProfileApplyResult"] = object(["applied": S.array(S.ref("Cluster")), "skipped": S.stringMap])
        schemas["CascadeEntry"] = object([
            "id": S.uuid, "name": S.string, "namespace": S.string, "satellite_id": S.uuid,
        ])
        schemas["DeploymentRule"] = object([
            "id": S.uuid, "name": S.string, "profile_id": S.uuid, "label_selector": S.stringMap, "namespace": S.string,
            "cluster_name": S.string, "created_at": dateTime, "updated_at": dateTime,
        ])
        schemas["DeploymentRuleRequest"] = S.object(
            [
                "name": S.string, "profile_id": S.uuid, "label_selector": S.stringMap, "namespace": S.string,
                "cluster_name": S.string,
            ], required: ["name", "profile_id", "label_selector", "cluster_name"])
        let restartModes = S.enumeration(RestartMode.allCases.map(\.rawValue))
        schemas["Parameter"] = object([
            "name": S.string, "restart_mode": restartModes, "pg_context": S.string, "category": S.string,
            "description": S.string,
        ])
        schemas["ParameterRequest"] = S.object(
            ["restart_mode": restartModes, "pg_context": S.string, "category": S.string, "description": S.string],
            required: ["restart_mode"])
        schemas["PostgresVariant"] = object(["id": S.uuid, "name": S.string, "description": S.string])
        schemas["VariantRequest"] = S.object(["name": S.string, "description": S.string], required: ["name"])
        schemas["PostgresVersion"] = object([
            "id": S.uuid, "version": S.string, "variant": S.string, "image_tag": S.string, "is_default": S.boolean,
        ])
        schemas["VersionRequest"] = S.object(
            ["version": S.string, "variant": S.string, "image_tag": S.string],
            required: ["version", "variant", "image_tag"])
        schemas["StorageTier"] = object([
            "id": S.uuid, "name": S.string, "description": S.string, "created_at": dateTime, "updated_at": dateTime,
        ])
        schemas["TierRequest"] = S.object(["name": S.string, "description": S.string], required: ["name"])
        schemas["ClusterHealth"] = object(
            [
                "satellite_id": S.uuid, "namespace": S.string, "cluster_name": S.string, "cluster_id": nullableUUID,
                "state": S.string, "lease_holder": S.string, "applied_config_version": int,
                "instances": ["type": "array", "items": ["type": "object"]], "reported_at": dateTime,
                "received_at": dateTime,
            ],
            required: [
                "satellite_id", "namespace", "cluster_name", "state", "lease_holder", "applied_config_version",
                "instances", "reported_at", "received_at",
            ])
        schemas["Event"] = object(
            [
                "seq": int, "id": S.uuid, "type": S.string,
                "severity": S.enumeration(["unspecified", "info", "warning", "error", "critical"]),
                "satellite_id": nullableUUID, "cluster_name": S.string, "namespace": S.string, "pod_name": S.string,
                "message": S.string, "data": S.stringMap, "origin": S.string, "source": S.string,
                "operation_id": S.string, "occurred_at": dateTime, "received_at": dateTime,
            ],
            required: [
                "seq", "id", "type", "severity", "cluster_name", "namespace", "pod_name", "message", "data", "origin",
                "source", "operation_id", "occurred_at", "received_at",
            ])
        schemas["EventPage"] = object(
            ["events": S.array(S.ref("Event")), "next_before": ["type": "integer", "nullable": true]],
            required: ["events"])
        schemas["APIToken"] = object(
            [
                "id": S.uuid, "name": S.string, "created_at": dateTime, "last_used_at": nullableDateTime,
                "revoked_at": nullableDateTime,
            ], required: ["id", "name", "created_at"])
        schemas["CreatedToken"] = object(["token": S.ref("APIToken"), "secret": S.string])
        return schemas
    }

    /// The cluster spec: the request shape (only version and size required) is also the
    /// response shape (the encoder writes every field).
    static var specSchemas: [String: JSONValue] {
        [
            "ClusterSpec": S.object(
                [
                    "replicas": Schema.integer(minimum: 1, maximum: 15), "postgres": S.ref("PostgresImage"),
                    "storage": S.ref("Volume"), "wal_storage": ["allOf": [S.ref("Volume")], "nullable": true],
                    "resources": S.ref("Resources"), "pg_params": S.stringMap, "hba_rules": S.array(S.ref("HBARule")),
                    "archive": S.ref("Archive"), "failover": S.ref("Failover"), "deletion_protection": S.boolean,
                ], required: ["postgres", "storage"]),
            "PostgresImage": S.object(
                ["version": S.string, "variant": S.string, "registry": S.string, "image": S.string],
                required: ["version"]),
            "Volume": S.object(["size": S.string, "storage_class": S.string], required: ["size"]),
            "Resources": S.object([
                "cpu_request": S.string, "cpu_limit": S.string, "memory_request": S.string, "memory_limit": S.string,
            ]),
            "HBARule": S.object(
                [
                    "type": S.enumeration(["local", "host", "hostssl", "hostnossl"]), "databases": S.array(S.string),
                    "users": S.array(S.string), "address": S.string,
                    "method": S.enumeration(HBARuleSpec.methods.sorted()),
                ], required: ["type", "method"]),
            "Archive": S.object([
                "mode": S.enumeration(["", "custom"]), "archive_command": S.string, "restore_command": S.string,
                "archive_timeout_seconds": int, "credentials_secret_name": S.string,
            ]),
            "Failover": S.object([
                "enabled": S.boolean, "sidecar_image": S.string, "lease_duration_seconds": int,
                "renew_deadline_ms": int, "retry_period_ms": int, "maximum_lag_on_failover_bytes": int,
                "synchronous_mode": S.enumeration(["off", "on", "strict"]), "synchronous_node_count": int,
                "failsafe_mode": S.boolean, "primary_restart_timeout_seconds": int,
            ]),
        ]
    }
}
