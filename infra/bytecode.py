"""Bytecode in the deployed packages, so a cold start does not compile Python.

Lambda unpacks a package into a read-only /var/task: a module without a `.pyc` beside it is
compiled from source on every cold start and the result thrown away. `chalice package` ships
sources only (app code and every vendored dependency, botocore included), so each function's
INIT used to compile everything it imported. Here every `.py` gets an unchecked-hash `.pyc`
(valid whatever the unpacked files' times are) for the synth's Python, which is the runtime's:
Chalice names the runtime after the interpreter that packages the app.
"""
from __future__ import annotations

import compileall
import os
import py_compile
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from chalice.cdk import Chalice


def compile_tree(root: Path) -> None:
    """An unchecked-hash `.pyc` for every module under `root` (sources that do not compile keep none)."""
    compileall.compile_dir(str(root), quiet=2, workers=0, optimize=0,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)


def add_bytecode(package: Path) -> None:
    """Rewrite a deployment zip with `__pycache__/*.pyc` beside its sources (modes kept)."""
    with tempfile.TemporaryDirectory(prefix="parley-bytecode-") as scratch:
        root = Path(scratch) / "package"
        modes: dict[str, int] = {}
        with zipfile.ZipFile(package) as archive:
            for info in archive.infolist():
                modes[info.filename] = info.external_attr
            archive.extractall(root)
        compile_tree(root)
        rebuilt = Path(scratch) / "deployment.zip"
        with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    name = path.relative_to(root).as_posix()
                    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                    info.external_attr = modes.get(name, 0o644 << 16)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, path.read_bytes())
        shutil.move(str(rebuilt), str(package))
        os.chmod(package, 0o644)


class PrecompiledChalice(Chalice):
    """Chalice's CDK construct, with bytecode added to the package before it becomes an asset."""

    def _package_app(self, *args: Any, **kwargs: Any) -> None:
        super()._package_app(*args, **kwargs)
        add_bytecode(Path(self._sam_package_dir) / "deployment.zip")
