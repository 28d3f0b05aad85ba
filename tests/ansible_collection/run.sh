#!/usr/bin/env bash
# The olvm.dr collection's job: the tools of the peer job (setup.sh: ansible-core 2.18, the
# ovirt.ovirt collection whose example playbooks are run, the official SDK), the olvm_dr wheel
# installed into that venv, the collection built with ansible-galaxy and installed, the
# upstream role's example playbooks with only the role name changed against a lab (pytest),
# and ansible-test sanity on the collection (local, no containers).
# Needs a built wheel in target/wheels (or OLVM_DR_WHEEL) and builds olvm-dr-sim and olvm-dr
# unless OLVM_DR_SIM_BIN and OLVM_DR_BIN name built binaries. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

bash tests/peer/ansible_role/setup.sh
TOOLS=${OLVM_DR_ROLE_TOOLS:-$PWD/.ci/.tools/ansible-role}
VENV=$TOOLS/venv/bin
target=${CARGO_TARGET_DIR:-$PWD/target}
if [ -z "${OLVM_DR_SIM_BIN:-}" ] || [ -z "${OLVM_DR_BIN:-}" ]; then
  cargo build -q -p olvm-dr-sim -p olvm-dr-cli --locked
fi
export OLVM_DR_SIM_BIN=${OLVM_DR_SIM_BIN:-$target/debug/olvm-dr-sim}
export OLVM_DR_BIN=${OLVM_DR_BIN:-$target/debug/olvm-dr}
export PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1

wheel=${OLVM_DR_WHEEL:-$(ls "$target"/wheels/olvm_dr-*.whl 2>/dev/null | head -n 1)}
[ -n "$wheel" ] || { echo "no olvm_dr wheel in $target/wheels: build it first (README, Python)"; exit 1; }
"$VENV/pip" install -q --force-reinstall --no-deps "$wheel"

# The collection as users get it: built, then installed from the tarball.
out=$target/ansible
rm -rf "$out"
mkdir -p "$out"
"$VENV/ansible-galaxy" collection build ansible --output-path "$out" >/dev/null
"$VENV/ansible-galaxy" collection install -p "$out/collections" "$out"/olvm-dr-*.tar.gz >/dev/null 2>&1
export OLVM_DR_COLLECTIONS=$out/collections

rc=0
"$VENV/python" -m pytest -q -p no:cacheprovider tests/ansible_collection "$@" || rc=$?
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests in tests/ansible_collection: that is a failure"
  exit 1
fi
[ "$rc" -eq 0 ] || exit "$rc"

# ansible-test sanity on the built collection, every test that needs no container: it works in
# an ansible_collections/olvm/dr tree outside this repository (inside, it lists files with git,
# which ignores target/), with its venvs (pinned linters from the package index) cached under
# TOOLS/ansible-test-home; get_pip_ensurepip.py bootstraps their pip without ansible's CI host.
home=$TOOLS/ansible-test-home
mkdir -p "$home/.ansible/test/cache"
cp tests/ansible_collection/get_pip_ensurepip.py "$home/.ansible/test/cache/get_pip_24_2.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sanity=$work/ansible_collections/olvm/dr
mkdir -p "$sanity"
tar -xzf "$out"/olvm-dr-*.tar.gz -C "$sanity"
py=$("$VENV/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
(cd "$sanity" && HOME=$home PATH="$VENV:$PATH" "$VENV/ansible-test" sanity --local --requirements --python "$py" >"$work/sanity.log" 2>&1) || {
  grep -v -e '^Collecting ' -e '^  Downloading ' -e '^Installing collected' -e '^Successfully installed' -e '━' "$work/sanity.log"
  echo "ansible-test sanity failed"
  exit 1
}
grep -c '^Running sanity test' "$work/sanity.log" | sed 's/^/ansible-test sanity: passed, tests run: /'
