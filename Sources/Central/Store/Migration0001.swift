enum Migration0001 {
    static let sql = """
        CREATE TABLE satellites (
            id uuid PRIMARY KEY,
            -- Display name given at approval; NULL while pending, so two pending registrations of
            -- the same edge cluster never collide (the Go original looped on a unique violation).
            name text UNIQUE,
            hostname text NOT NULL DEFAULT '',
            k8s_cluster_name text NOT NULL,
            region text NOT NULL DEFAULT '',
            labels jsonb NOT NULL DEFAULT '{}',
            storage_classes jsonb NOT NULL DEFAULT '[]',
            tier_mappings jsonb NOT NULL DEFAULT '{}',
            state text NOT NULL CHECK (state IN
                ('pending', 'approved', 'connected', 'disconnected', 'replaced', 'rejected')),
            -- SHA-256 of the satellite-chosen auth token; the token itself is never stored.
            auth_token_hash bytea NOT NULL UNIQUE CHECK (length(auth_token_hash) = 32),
            satellite_version text NOT NULL DEFAULT '',
            desired_state_version bigint NOT NULL DEFAULT 1,
            replaced_by uuid REFERENCES satellites (id) ON DELETE SET NULL,
            last_heartbeat timestamptz,
            approved_at timestamptz,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE UNIQUE INDEX satellites_one_active_per_k8s_cluster ON satellites (k8s_cluster_name)
            WHERE state IN ('approved', 'connected', 'disconnected');
        CREATE INDEX satellites_state ON satellites (state);
        CREATE INDEX satellites_labels ON satellites USING gin (labels);

        CREATE TABLE profiles (
            id uuid PRIMARY KEY,
            name text NOT NULL UNIQUE,
            description text NOT NULL DEFAULT '',
            spec jsonb NOT NULL,
            latest_version integer NOT NULL DEFAULT 1,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE profile_versions (
            profile_id uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
            version integer NOT NULL,
            spec jsonb NOT NULL,
            change_summary text NOT NULL DEFAULT '',
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (profile_id, version)
        );

        CREATE TABLE deployment_rules (
            id uuid PRIMARY KEY,
            name text NOT NULL UNIQUE,
            profile_id uuid NOT NULL REFERENCES profiles (id) ON DELETE RESTRICT,
            label_selector jsonb NOT NULL CHECK (label_selector <> '{}'::jsonb),
            namespace text NOT NULL DEFAULT 'default',
            cluster_name text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE clusters (
            id uuid PRIMARY KEY,
            name text NOT NULL,
            namespace text NOT NULL,
            satellite_id uuid NOT NULL REFERENCES satellites (id) ON DELETE RESTRICT,
            profile_id uuid REFERENCES profiles (id) ON DELETE RESTRICT,
            deployment_rule_id uuid REFERENCES deployment_rules (id) ON DELETE RESTRICT,
            spec jsonb NOT NULL,
            config_version bigint NOT NULL DEFAULT 1,
            applied_config_version bigint NOT NULL DEFAULT 0,
            applied_profile_version integer NOT NULL DEFAULT 0,
            state text NOT NULL CHECK (state IN
                ('creating', 'running', 'degraded', 'failed', 'deleting', 'paused', 'updating')),
            paused boolean NOT NULL DEFAULT false,
            -- 'manual' or 'selector_mismatch': only the latter is undone automatically.
            paused_reason text,
            last_apply_error text,
            delete_requested boolean NOT NULL DEFAULT false,
            retain_volumes boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (satellite_id, namespace, name)
        );
        CREATE INDEX clusters_profile ON clusters (profile_id);
        CREATE INDEX clusters_rule ON clusters (deployment_rule_id);

        CREATE TABLE cluster_databases (
            id uuid PRIMARY KEY,
            cluster_id uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
            db_name text NOT NULL,
            db_user text NOT NULL,
            -- AES-256-GCM sealed (SecretBox), associated data = the row id.
            password_sealed bytea NOT NULL,
            allowed_cidrs text[] NOT NULL DEFAULT '{}',
            status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'created', 'failed')),
            error_message text NOT NULL DEFAULT '',
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (cluster_id, db_name)
        );

        CREATE TABLE cluster_health (
            satellite_id uuid NOT NULL REFERENCES satellites (id) ON DELETE CASCADE,
            namespace text NOT NULL,
            cluster_name text NOT NULL,
            state text NOT NULL,
            lease_holder text NOT NULL DEFAULT '',
            applied_config_version bigint NOT NULL DEFAULT 0,
            instances jsonb NOT NULL DEFAULT '[]',
            reported_at timestamptz NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (satellite_id, namespace, cluster_name)
        );

        CREATE TABLE events (
            seq bigserial PRIMARY KEY,
            -- Producer-chosen UUID: a resent event is stored once.
            id uuid NOT NULL UNIQUE,
            type text NOT NULL,
            severity smallint NOT NULL CHECK (severity BETWEEN 0 AND 4),
            satellite_id uuid REFERENCES satellites (id) ON DELETE SET NULL,
            cluster_name text NOT NULL DEFAULT '',
            namespace text NOT NULL DEFAULT '',
            pod_name text NOT NULL DEFAULT '',
            message text NOT NULL DEFAULT '',
            data jsonb NOT NULL DEFAULT '{}',
            origin text NOT NULL DEFAULT '',
            source text NOT NULL DEFAULT '',
            operation_id text NOT NULL DEFAULT '',
            occurred_at timestamptz NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX events_received ON events (received_at);
        CREATE INDEX events_satellite ON events (satellite_id, seq DESC);
        CREATE INDEX events_cluster ON events (cluster_name, seq DESC);
        CREATE INDEX events_type ON events (type, seq DESC);
        CREATE INDEX events_severity ON events (severity, seq DESC);

        CREATE TABLE postgres_variants (
            id uuid PRIMARY KEY,
            name text NOT NULL UNIQUE,
            description text NOT NULL DEFAULT ''
        );

        CREATE TABLE postgres_versions (
            id uuid PRIMARY KEY,
            version text NOT NULL,
            variant text NOT NULL REFERENCES postgres_variants (name) ON UPDATE CASCADE ON DELETE RESTRICT,
            image_tag text NOT NULL,
            is_default boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (version, variant)
        );
        CREATE UNIQUE INDEX postgres_versions_one_default ON postgres_versions (is_default) WHERE is_default;

        CREATE TABLE pg_parameters (
            name text PRIMARY KEY,
            restart_mode text NOT NULL CHECK (restart_mode IN ('reload', 'sequential_restart', 'full_restart')),
            pg_context text NOT NULL,
            category text NOT NULL DEFAULT '',
            description text NOT NULL DEFAULT '',
            updated_at timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE storage_tiers (
            id uuid PRIMARY KEY,
            name text NOT NULL UNIQUE,
            description text NOT NULL DEFAULT '',
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE api_tokens (
            id uuid PRIMARY KEY,
            name text NOT NULL,
            token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
            created_at timestamptz NOT NULL DEFAULT now(),
            last_used_at timestamptz,
            revoked_at timestamptz
        );

        CREATE TABLE switchover_operations (
            id uuid PRIMARY KEY,
            cluster_id uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
            satellite_id uuid NOT NULL REFERENCES satellites (id) ON DELETE CASCADE,
            target_pod text NOT NULL DEFAULT '',
            interactive boolean NOT NULL DEFAULT false,
            status text NOT NULL CHECK (status IN
                ('requested', 'running', 'waiting_for_confirmation', 'succeeded', 'failed', 'aborted')),
            current_step text NOT NULL DEFAULT '',
            waiting_step text NOT NULL DEFAULT '',
            steps jsonb NOT NULL DEFAULT '[]',
            old_primary_pod text NOT NULL DEFAULT '',
            new_primary_pod text NOT NULL DEFAULT '',
            error_message text NOT NULL DEFAULT '',
            rolled_back boolean NOT NULL DEFAULT false,
            requested_at timestamptz NOT NULL DEFAULT now(),
            finished_at timestamptz
        );
        CREATE INDEX switchover_operations_cluster ON switchover_operations (cluster_id, requested_at DESC);
        -- At most one unfinished switchover per cluster.
        CREATE UNIQUE INDEX switchover_operations_one_active ON switchover_operations (cluster_id)
            WHERE status IN ('requested', 'running', 'waiting_for_confirmation');
        """
}
