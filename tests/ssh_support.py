"""A private OpenSSH server on loopback, for the README's "on a cluster" recipe.

``sshd()`` runs ``sshd -D`` on a free 127.0.0.1 port with throw-away host and user keys
(no password, no PAM, nothing of the system's ssh configuration used), and yields an
``Ssh`` that builds ``ssh``/``scp`` commands logging in to it as the current user. The
"cluster" is this machine, but everything the recipe sends goes through the ssh
connection: the remote forward is the only listener on its port.
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import List

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Ssh:
    port: int
    identity: Path

    @property
    def options(self) -> List[str]:
        return [
            "-i", str(self.identity), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
        ]

    @property
    def host(self) -> str:
        return f"{getpass.getuser()}@127.0.0.1"

    def ssh(self, *args: str) -> List[str]:
        return ["ssh", "-p", str(self.port), *self.options, "-o", "ExitOnForwardFailure=yes", *args]

    def scp(self, source: Path, target: str) -> List[str]:
        return ["scp", "-q", "-P", str(self.port), *self.options, str(source), f"{self.host}:{target}"]


def _keygen(path: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)


@contextmanager
def sshd(tmp_path: Path) -> Iterator[Ssh]:
    exe = shutil.which("sshd") or ("/usr/sbin/sshd" if os.path.exists("/usr/sbin/sshd") else None)
    if exe is None or shutil.which("ssh") is None or shutil.which("scp") is None:
        pytest.skip("OpenSSH is not installed (Debian openssh-server, openssh-client)")
    home = tmp_path / "sshd"
    home.mkdir()
    _keygen(home / "host_key")
    _keygen(home / "user_key")
    (home / "authorized_keys").write_bytes((home / "user_key.pub").read_bytes())
    port = free_port()
    config = home / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {home / 'host_key'}",
                f"PidFile {home / 'sshd.pid'}",
                f"AuthorizedKeysFile {home / 'authorized_keys'}",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "StrictModes no",  # the keys live under pytest's tmp_path
                "UsePAM no",
                "AllowTcpForwarding yes",
                "Subsystem sftp internal-sftp",  # scp speaks SFTP since OpenSSH 9.0
                "LogLevel ERROR",
                "",
            ]
        )
    )
    if os.geteuid() == 0:
        os.makedirs("/run/sshd", exist_ok=True)  # sshd's privilege-separation directory
    log = home / "sshd.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([exe, "-D", "-e", "-f", str(config)], stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"sshd did not start: {log.read_text(errors='replace')}")
                time.sleep(0.1)
        yield Ssh(port, home / "user_key")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
