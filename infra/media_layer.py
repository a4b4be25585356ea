"""The media worker's Lambda layer: Pillow, built from infra/layers/media/requirements.txt.

Only ProcessMedia carries it (Chalice's per-function `layers`, set through the stage config in
parley_stack.py), so the shared app package, and with it every other function, holds no Pillow.
The layer is built with pip for Lambda's platform (manylinux wheels, the deployed Python) on the
synth machine; Docker (the SAM build image) is only the fallback when pip cannot.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from bytecode import compile_tree

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "infra" / "layers" / "media"
PYTHON_VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"  # `chalice package` targets this one too
RUNTIME = lambda_.Runtime(f"python{PYTHON_VERSION}", lambda_.RuntimeFamily.PYTHON)


def pip_command(output_dir: str) -> list[str]:
    return [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", "install",
            "--target", f"{output_dir}/python", "--platform", "manylinux2014_x86_64", "--implementation", "cp",
            "--python-version", PYTHON_VERSION, "--only-binary=:all:", "--no-compile",
            "-r", str(SOURCE / "requirements.txt"), "-c", str(ROOT / "constraints.txt")]


@jsii.implements(ILocalBundling)
class PipBundling:
    def try_bundle(self, output_dir: str, *_args: Any, **_options: Any) -> bool:
        if subprocess.run(pip_command(output_dir), check=False).returncode != 0:
            return False
        compile_tree(Path(output_dir) / "python")  # unchecked-hash .pyc: the layer is read-only on Lambda
        return True


def media_layer(scope: Construct) -> lambda_.LayerVersion:
    code = lambda_.Code.from_asset(str(SOURCE), bundling=BundlingOptions(
        image=DockerImage.from_registry(f"public.ecr.aws/sam/build-python{PYTHON_VERSION}"),
        command=["pip", "install", "-r", "requirements.txt", "-t", "/asset-output/python"],
        local=PipBundling()))
    return lambda_.LayerVersion(scope, "MediaLayer", code=code, compatible_runtimes=[RUNTIME],
                                description="Pillow, for the media worker (thumbnails) only")
