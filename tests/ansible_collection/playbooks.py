"""The upstream role's example playbooks with only the role's name changed, run with
ansible-playbook the way `ovirt-dr` and the DR guide run them (`-t TAG`, the mapping and the
passwords as `-e @file` or as `vars_files`)."""

import json
import os
import pathlib
import shutil
import subprocess

from conftest import COLLECTIONS, ROOT
from role import ROLE_DIR, VENV_BIN

UPSTREAM_ROLE = "ovirt.ovirt.disaster_recovery"
OUR_ROLE = "olvm.dr.disaster_recovery"


class Run:
    """A finished ansible-playbook or ovirt-dr: exit code and output."""

    def __init__(self, returncode, output):
        self.returncode = returncode
        self.output = output

    def __repr__(self):
        return f"exit {self.returncode}\n{self.output[-6000:]}"


class Plays:
    """The examples (dr_play.yml, dr_ovirt_setup.yml) in `workdir`, renamed to our role, with
    the lab's mapping and passwords next to them under the names the examples use."""

    def __init__(self, lab, workdir):
        self.lab = lab
        self.dir = pathlib.Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        for name in ("dr_play.yml", "dr_ovirt_setup.yml"):
            text = (ROLE_DIR / "examples" / name).read_text()
            assert text.count(UPSTREAM_ROLE) == 1, f"{name} names the role once"
            (self.dir / name).write_text(text.replace(UPSTREAM_ROLE, OUR_ROLE))
        self.vars_file = self.dir / "disaster_recovery_vars.yml"
        self.passwords_file = self.dir / "ovirt_passwords.yml"
        shutil.copy(lab.mapping_file, self.vars_file)
        shutil.copy(lab.passwords_file, self.passwords_file)
        self.state_dir = self.dir / "state"

    def env(self):
        env = dict(os.environ)
        env.update(
            PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
            ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS),
            ANSIBLE_HOME=str(self.dir / "ansible-home"),
            ANSIBLE_LOCAL_TEMP=str(self.dir / "ansible-tmp"),
            ANSIBLE_ASYNC_DIR=str(self.dir / "ansible-async"),
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_PYTHON_INTERPRETER=str(VENV_BIN / "python"),
            ANSIBLE_LOCALHOST_WARNING="0",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
            OLVM_DR_STATE_DIR=str(self.state_dir),
            PYTHONDONTWRITEBYTECODE="1",
        )
        env.pop("VIRTUAL_ENV", None)
        return env

    def playbook(self, play, tags, extra=None, var_files=(), options=(), stdin="", timeout=600):
        """ansible-playbook PLAY -t TAGS [-e @FILE]... [-e JSON] [OPTIONS]."""
        args = [str(VENV_BIN / "ansible-playbook"), play, "-t", tags]
        for f in var_files:
            args += ["-e", f"@{f}"]
        if extra:
            args += ["-e", json.dumps(extra)]
        args += list(options)
        return self.run(args, stdin=stdin, timeout=timeout)

    def run(self, args, stdin="", timeout=600):
        proc = subprocess.run(
            args, cwd=self.dir, env=self.env(), input=stdin, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, timeout=timeout,
        )
        return Run(proc.returncode, proc.stdout)

    def ovirt_dr(self, *args, stdin=""):
        """The olvm-dr binary under the name ovirt-dr (a symlink, as the README installs it)."""
        link = self.dir / "bin" / "ovirt-dr"
        if not link.exists():
            link.parent.mkdir(exist_ok=True)
            binary = os.environ.get("OLVM_DR_BIN", str(ROOT / "target" / "debug" / "olvm-dr"))
            link.symlink_to(binary)
        return self.run([str(link), *args], stdin=stdin)
