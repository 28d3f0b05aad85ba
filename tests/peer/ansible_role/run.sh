#!/usr/bin/env bash
# The peer job: the real ovirt.ovirt.disaster_recovery role (ansible-core 2.18, the ovirt.ovirt
# collection of ansible 11.13.0, ovirtsdk4 4.6.3) against two simulated labs, its end states
# compared with olvm-dr's (test_role.py). Prepares its tools itself (setup.sh) and builds
# olvm-dr-sim and olvm-dr unless OLVM_DR_SIM_BIN and OLVM_DR_BIN name built binaries.
# Extra arguments go to pytest (e.g. -k fail_over, -x).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."

bash tests/peer/ansible_role/setup.sh
TOOLS=${OLVM_DR_ROLE_TOOLS:-$PWD/.ci/.tools/ansible-role}
target=${CARGO_TARGET_DIR:-$PWD/target}
if [ -z "${OLVM_DR_SIM_BIN:-}" ] || [ -z "${OLVM_DR_BIN:-}" ]; then
  cargo build -q -p olvm-dr-sim -p olvm-dr-cli --locked
fi
export OLVM_DR_SIM_BIN=${OLVM_DR_SIM_BIN:-$target/debug/olvm-dr-sim}
export OLVM_DR_BIN=${OLVM_DR_BIN:-$target/debug/olvm-dr}
export PYTHONDONTWRITEBYTECODE=1
rc=0
"$TOOLS/venv/bin/python" -m pytest -q -p no:cacheprovider tests/peer/ansible_role "$@" || rc=$?
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests in tests/peer/ansible_role: that is a failure"
  exit 1
fi
exit "$rc"
