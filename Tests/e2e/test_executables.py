"""Each executable refuses bad configuration with a non-zero exit and one line that says why."""

import subprocess

import pytest

CASES = [
    ("central", [], {}, "missing required setting: --database-url or DATABASE_URL"),
    ("central", ["--bogus"], {"DATABASE_URL": "x"}, "Unknown option '--bogus'"),
    ("central", ["--http-address", "nope"], {"DATABASE_URL": "x"}, "--http-address must be host:port"),
    ("central", ["--database-timeout", "0"], {"DATABASE_URL": "x"}, "--database-timeout must be positive"),
    ("central", ["--tls-server-name", "bad name"], {"DATABASE_URL": "x"}, "--tls-server-name must be a DNS name"),
    ("satellite", [], {}, "missing required setting: --central-address"),
    ("satellite", ["--central-address", "central:9090"], {}, "missing required setting: --name"),
    ("satellite", ["--central-address", "c:9090", "--name", "s", "--label", "novalue"], {},
     "--label must be key=value"),
    ("satellite", ["--central-address", "c:99999", "--name", "s"], {}, "--central-address must be host:port"),
    ("failover-sidecar", ["run"], {}, "missing required setting: --pod-name or POD_NAME"),
    ("failover-sidecar", ["run", "--bogus"], {}, "Unknown option '--bogus'"),
    ("failover-sidecar", ["run", "--lease-duration", "5"], {"POD_NAME": "p", "POD_NAMESPACE": "n", "CLUSTER_NAME": "c"},
     "--lease-duration must be greater than --renew-deadline"),
    ("failover-sidecar", ["run", "--retry-period", "9"], {"POD_NAME": "p", "POD_NAMESPACE": "n", "CLUSTER_NAME": "c"},
     "--renew-deadline must be greater than 1.2 x --retry-period"),
    ("failover-sidecar", ["nonsense"], {}, "Unexpected argument 'nonsense'"),
]


@pytest.mark.parametrize(("binary", "args", "env", "expected"), CASES)
def test_bad_configuration_exits_with_one_line(bin_path, binary, args, env, expected):
    result = subprocess.run([str(bin_path / binary), *args], env={"PATH": "/usr/bin:/bin", **env},
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{binary}: error: ")
    assert expected in lines[0]


@pytest.mark.parametrize("binary", ["central", "satellite", "failover-sidecar"])
def test_help_is_useful(bin_path, binary):
    result = subprocess.run([str(bin_path / binary), "--help"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    assert "USAGE:" in result.stdout
    assert "pg-swarm" in result.stdout
