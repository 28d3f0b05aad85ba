"""Loads the generated Python bindings from OLVM_DR_FFI_BINDINGS (a directory holding
olvm_dr_ffi.py and libolvm_dr_ffi.so, as .ci/run generates them)."""

import os
import sys

bindings = os.environ.get("OLVM_DR_FFI_BINDINGS")
if not bindings:
    raise RuntimeError(
        "set OLVM_DR_FFI_BINDINGS to the directory of the generated olvm_dr_ffi.py "
        "(see bindings/README.md)"
    )
sys.path.insert(0, os.path.abspath(bindings))
