"""Runs the real `ovirt.ovirt.disaster_recovery` role (unmodified, from the `ansible` package)
and its `ovirt-dr` script against a lab.

The tools come from setup.sh: TOOLS/venv (ansible-core, ovirtsdk4) and TOOLS/collections
(`ansible_collections/ovirt/ovirt`). TOOLS is OLVM_DR_ROLE_TOOLS, default
.ci/.tools/ansible-role. The role's own scripts run `python3` from PATH, so the venv's bin
directory goes first on PATH.
"""

import json
import os
import pathlib
import subprocess
import time
import uuid

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
TOOLS = pathlib.Path(os.environ.get("OLVM_DR_ROLE_TOOLS", ROOT / ".ci" / ".tools" / "ansible-role"))
VENV_BIN = TOOLS / "venv" / "bin"
COLLECTIONS = TOOLS / "collections"
ROLE_DIR = COLLECTIONS / "ansible_collections" / "ovirt" / "ovirt" / "roles" / "disaster_recovery"

class RoleRun:
    """One finished ansible-playbook or ovirt-dr run: exit code, output, seconds."""

    def __init__(self, args, returncode, output, seconds, report=None):
        self.args = args
        self.returncode = returncode
        self.output = output
        self.seconds = seconds
        self.report = report
        self.log = None

    def failed_tasks(self):
        """The output lines of tasks that failed (the role ignores most errors, so these are
        the evidence of what went wrong)."""
        lines = self.output.splitlines()
        out = []
        for i, line in enumerate(lines):
            if line.startswith("fatal:") or line.startswith("failed:"):
                task = next((lines[j] for j in range(i, -1, -1) if lines[j].startswith("TASK [")), "")
                out.append(f"{task}\n  {line[:2000]}")
        return out


class Role:
    """The role and ovirt-dr working on one lab's files in `workdir`."""

    def __init__(self, lab, workdir):
        self.lab = lab
        self.workdir = pathlib.Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.runs = 0
        self.mapping_file = self.workdir / "disaster_recovery_vars.yml"
        self._write_mapping()
        self.play = self.workdir / "dr_play.yml"
        self._write_play()

    def _write_mapping(self):
        """The lab's mapping as the role reads it (it names the lab's CA for each site)."""
        mapping = yaml.safe_load(self.lab.mapping_file.read_text())
        for site in ("primary", "secondary"):
            key = f"dr_sites_{site}_ca_file"
            if not mapping.get(key):
                raise RuntimeError(f"the lab's mapping has no {key}: the role cannot connect without it")
        self.mapping_file.write_text(yaml.safe_dump(mapping, sort_keys=False))

    def _write_play(self):
        """The role README's playbook: localhost, the passwords and the mapping as var files."""
        play = [
            {
                "name": "oVirt disaster recovery",
                "hosts": "localhost",
                "connection": "local",
                "gather_facts": False,
                "vars_files": [str(self.lab.passwords_file), str(self.mapping_file)],
                "roles": ["ovirt.ovirt.disaster_recovery"],
            }
        ]
        self.play.write_text(yaml.safe_dump(play, sort_keys=False))

    def env(self):
        env = dict(os.environ)
        env.update(
            PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
            ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS),
            ANSIBLE_HOME=str(self.workdir / "ansible-home"),
            ANSIBLE_LOCAL_TEMP=str(self.workdir / "ansible-tmp"),
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORCE_COLOR="0",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_PYTHON_INTERPRETER=str(VENV_BIN / "python"),
            PYTHONDONTWRITEBYTECODE="1",
        )
        env.pop("VIRTUAL_ENV", None)
        return env

    def playbook(self, tags, extra=None, stdin=None, timeout=900):
        """ansible-playbook on the play with `tags` and extra variables; returns a RoleRun with
        the role's report file (when it wrote one) read back."""
        report_name = f"olvm-dr-peer-{uuid.uuid4().hex}.log"
        variables = {"dr_report_file": report_name, "dr_running_vms": str(self.workdir / "running_vms")}
        variables.update(extra or {})
        # JSON extra vars: values keep their type and may hold blanks.
        args = [str(VENV_BIN / "ansible-playbook"), str(self.play), "-t", tags, "-e", json.dumps(variables)]
        run = self._run(args, cwd=self.workdir, stdin=stdin, timeout=timeout)
        self.runs += 1
        run.log = self.workdir / f"{self.runs:02d}-{tags}.log"
        run.log.write_text(run.output)
        report = pathlib.Path("/tmp") / report_name
        if report.exists():
            run.report = report.read_text()
            report.unlink()
        return run

    def generate_mapping(self, output):
        """The role's `generate_mapping` tag against the lab's primary, writing `output`."""
        passwords = yaml.safe_load(self.lab.passwords_file.read_text())
        return self.playbook(
            "generate_mapping",
            {
                "site": self.lab.url("primary"),
                "username": "admin@internal",
                "password": passwords["dr_sites_primary_password"],
                "ca": str(self.lab.ca_file),
                "var_file": str(output),
            },
        )

    def fail_over(self, target="secondary", source="primary"):
        return self.playbook("fail_over", {"dr_target_host": target, "dr_source_map": source})

    def clean_engine(self, source):
        # The documented retry delay of a domain removal, 120 s by default, is 1 s here.
        return self.playbook("clean_engine", {"dr_source_map": source, "dr_cleanup_delay_maintenance": 1})

    def fail_back(self, target="primary", source="secondary"):
        # The play pauses for "[Failback Replication Sync]" and goes on at ENTER.
        return self.playbook(
            "fail_back",
            {"dr_target_host": target, "dr_source_map": source, "dr_cleanup_delay_maintenance": 1},
            stdin="\n",
        )

    def validate(self):
        """`ovirt-dr validate`, run from the role's files/ directory as it must be, answering
        both password prompts on stdin. It always exits 0: judge by its output."""
        conf = self.workdir / "ovirt-dr.conf"
        conf.write_text(f"[log]\nlog_file =\nlog_level = DEBUG\n\n[validate_vars]\nvar_file = {self.mapping_file}\n")
        passwords = yaml.safe_load(self.lab.passwords_file.read_text())
        answers = f"{passwords['dr_sites_primary_password']}\n{passwords['dr_sites_secondary_password']}\n"
        args = [str(VENV_BIN / "python"), "ovirt-dr", "validate", f"--conf-file={conf}"]
        return self._run(args, cwd=ROLE_DIR / "files", stdin=answers, timeout=300)

    def _run(self, args, cwd, stdin, timeout):
        start = time.monotonic()
        proc = subprocess.run(
            args,
            cwd=cwd,
            env=self.env(),
            input=stdin if stdin is not None else "",
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
        )
        return RoleRun(args, proc.returncode, proc.stdout, time.monotonic() - start)
