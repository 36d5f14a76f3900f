import Foundation

enum Migration0002 {
    static let devProfileSpec = """
        {"replicas": 3, "postgres": {"version": "17", "variant": "alpine"}, \
        "storage": {"size": "1Gi"}, "wal_storage": {"size": "1Gi"}, \
        "resources": {"cpu_request": "100m", "cpu_limit": "500m", "memory_request": "256Mi", "memory_limit": "512Mi"}, \
        "pg_params": {"log_statement": "ddl", "log_min_duration_statement": "500", "shared_buffers": "128MB", "work_mem": "8MB"}, \
        "hba_rules": [{"type": "host", "databases": ["all"], "users": ["all"], "address": "10.0.0.0/8", "method": "scram-sha-256"}], \
        "failover": {"enabled": true}}
        """

    static let sql =
        ParameterCatalogSeed.sql + "\n"
            + """
            INSERT INTO postgres_variants (id, name, description) VALUES
                ('d0000000-0000-0000-0000-000000000001', 'alpine', 'Alpine Linux based images (small)'),
                ('d0000000-0000-0000-0000-000000000002', 'debian', 'Debian based images (glibc, more extensions)');
            INSERT INTO postgres_versions (id, version, variant, image_tag, is_default) VALUES
                ('e0000000-0000-0000-0000-000000000001', '16', 'alpine', '16.13-alpine3.23', false),
                ('e0000000-0000-0000-0000-000000000002', '17', 'alpine', '17.9-alpine3.23', true),
                ('e0000000-0000-0000-0000-000000000003', '18', 'alpine', '18.3-alpine3.23', false),
                ('e0000000-0000-0000-0000-000000000004', '16', 'debian', '16.13-trixie', false),
                ('e0000000-0000-0000-0000-000000000005', '17', 'debian', '17.9-trixie', false),
                ('e0000000-0000-0000-0000-000000000006', '18', 'debian', '18.3-trixie', false);
            INSERT INTO storage_tiers (id, name, description) VALUES
                ('b0000000-0000-0000-0000-000000000001', 'default', 'The edge cluster''s default storage class'),
                ('b0000000-0000-0000-0000-000000000002', 'replicated', 'Storage replicated across nodes'),
                ('b0000000-0000-0000-0000-000000000003', 'snapshotted', 'Storage with volume snapshots');
            INSERT INTO profiles (id, name, description, spec, latest_version) VALUES
                ('c0000000-0000-0000-0000-000000000001', 'dev',
                 'Development: three small instances, PostgreSQL 17 (Alpine), 1Gi data and 1Gi WAL',
                 '\(devProfileSpec)'::jsonb, 1);
            INSERT INTO profile_versions (profile_id, version, spec, change_summary)
                SELECT id, 1, spec, 'Created' FROM profiles WHERE id = 'c0000000-0000-0000-0000-000000000001';
            """
}
