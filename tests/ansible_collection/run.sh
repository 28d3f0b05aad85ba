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

# ansible-test works in an ansible_collections/NAMESPACE/NAME tree that is its own git-less
# copy; --local runs the tests in this venv instead of a container.
sanity=$out/sanity/ansible_collections/olvm/dr
mkdir -p "$sanity"
tar -xzf "$out"/olvm-dr-*.tar.gz -C "$sanity"
(cd "$sanity" && PATH="$VENV:$PATH" "$VENV/ansible-test" sanity --local --python "$("$VENV/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" \
  --test validate-modules --test compile --test import --test yamllint --test pep8 --test pylint \
  --test ansible-doc --test runtime-metadata --test shebang --test no-main-locals --test action-plugin-docs \
  plugins/)
