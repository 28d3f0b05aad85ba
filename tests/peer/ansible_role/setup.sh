#!/usr/bin/env bash
# Prepares what the peer job needs to run the real `ovirt.ovirt.disaster_recovery` role, once:
# a venv with ansible-core, the official oVirt SDK, PyYAML and pytest, and the `ovirt.ovirt`
# collection taken unmodified from the `ansible` community package's wheel. Everything lands in
# TOOLS (default .ci/.tools/ansible-role, git-ignored); a second run only checks it is there.
# Prints nothing but errors; the paths are fixed: TOOLS/venv, TOOLS/collections.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."

ANSIBLE_CORE=2.18.19
ANSIBLE=11.13.0
SDK=4.6.3
TOOLS=${OLVM_DR_ROLE_TOOLS:-$PWD/.ci/.tools/ansible-role}
export PIP_DISABLE_PIP_VERSION_CHECK=1

# ovirt-engine-sdk-python builds a C extension on libxml2.
need=()
for p in gcc libxml2-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

mkdir -p "$TOOLS"
stamp="$TOOLS/venv/.olvm-dr-pins"
pins="ansible-core==$ANSIBLE_CORE ovirt-engine-sdk-python==$SDK pycurl==7.49.0 PyYAML==6.0.2 pytest==8.3.5"
if [ "$(cat "$stamp" 2>/dev/null)" != "$pins" ]; then
  PY=$(command -v python3.11 || command -v python3)
  [ -x "$TOOLS/venv/bin/python" ] || "$PY" -m venv "$TOOLS/venv"
  # pycurl 7.49.0 has a manylinux wheel with its own libcurl and OpenSSL (no headers needed).
  "$TOOLS/venv/bin/pip" install -q --only-binary pycurl $pins
  echo "$pins" >"$stamp"
fi

collection="$TOOLS/collections/ansible_collections/ovirt/ovirt"
if [ ! -f "$collection/.olvm-dr-from-ansible-$ANSIBLE" ]; then
  wheel_dir="$TOOLS/downloads"
  mkdir -p "$wheel_dir"
  wheel=$(ls "$wheel_dir"/ansible-"$ANSIBLE"-py3-none-any.whl 2>/dev/null || true)
  if [ -z "$wheel" ]; then
    "$TOOLS/venv/bin/pip" download -q --no-deps -d "$wheel_dir" "ansible==$ANSIBLE"
    wheel=$(ls "$wheel_dir"/ansible-"$ANSIBLE"-py3-none-any.whl)
  fi
  rm -rf "$TOOLS/collections"
  mkdir -p "$TOOLS/collections"
  # Only the ovirt.ovirt subtree of the ~45 MB wheel.
  "$TOOLS/venv/bin/python" - "$wheel" "$TOOLS/collections" <<'PY'
import sys
import zipfile

wheel, out = sys.argv[1], sys.argv[2]
prefix = "ansible_collections/ovirt/ovirt/"
with zipfile.ZipFile(wheel) as z:
    members = [n for n in z.namelist() if n.startswith(prefix)]
    if not members:
        sys.exit(f"{wheel} has no {prefix}")
    z.extractall(out, members)
PY
  touch "$collection/.olvm-dr-from-ansible-$ANSIBLE"
fi
