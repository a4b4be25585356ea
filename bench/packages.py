"""Deployment size per Lambda function, from the installed distributions (no build needed).

Every Chalice function shares one app zip: app.py, chalicelib/ and requirements.txt's closure, as
`chalice package` vendors it (botocore included: PynamoDB requires it), each source with its .pyc
(infra/bytecode.py adds them). Pillow is not in it: infra/layers/media/requirements.txt is built by
the CDK app into a layer that only the media worker carries (infra/parley_stack.py).
"""
from __future__ import annotations

import io
import marshal
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
APP_REQUIREMENTS = ROOT / "requirements.txt"
MEDIA_LAYER_REQUIREMENTS = ROOT / "infra" / "layers" / "media" / "requirements.txt"
LAMBDA_RUNTIME_PROVIDES: set[str] = set()  # chalice package vendors the whole closure, botocore too
# Function -> the layers it carries besides the shared app zip (Chalice's logical ids, infra/parley_stack.py).
FUNCTION_LAYERS = {"APIHandler": (), "Websocket*": (), "ProcessEvents": (), "AnalyseMessages": (),
                   "ProcessMedia": ("media",), "DeliverWebhooks": (), "PurgeAssistantConversations": (),
                   "SendAutomationMessages": (), "ProcessOutbox": ()}


def top_level(path: Path) -> list[str]:
    names = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.append(Requirement(line).name)
    return names


def closure(names: list[str], exclude: set[str]) -> set[str]:
    """The distributions `names` need, transitively (extras not requested are left out)."""
    seen: set[str] = set()
    pending = list(names)
    while pending:
        name = metadata.distribution(pending.pop()).metadata["Name"].lower()
        if name in seen or name in exclude:
            continue
        seen.add(name)
        for spec in metadata.requires(name) or []:
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return seen


def distribution_files(name: str) -> list[Path]:
    dist = metadata.distribution(name)
    return [Path(dist.locate_file(f)) for f in dist.files or []
            if "__pycache__" not in f.parts and not str(f).startswith("..")]


def app_files() -> list[Path]:
    return [ROOT / "app.py", *(p for p in (ROOT / "chalicelib").rglob("*.py") if "__pycache__" not in p.parts)]


def bytecode(path: Path) -> bytes:
    """What the module's .pyc holds (16-byte header + marshalled code); empty if it does not compile."""
    try:
        return bytes(16) + marshal.dumps(compile(path.read_bytes(), str(path), "exec", dont_inherit=True))
    except (SyntaxError, ValueError):
        return b""


def zipped_size(files: list[Path]) -> tuple[int, int]:
    """(unzipped bytes, zipped bytes) of these files, and a .pyc per source, in one deflated zip."""
    buffer = io.BytesIO()
    raw = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, path in enumerate(files):
            if path.is_file():
                raw += path.stat().st_size
                archive.write(path, arcname=f"{number}/{path.name}")
                if path.suffix == ".py":
                    code = bytecode(path)
                    raw += len(code)
                    archive.writestr(f"{number}/{path.stem}.pyc", code)
    return raw, len(buffer.getvalue())


def print_sizes() -> None:
    app_dists = closure(top_level(APP_REQUIREMENTS), LAMBDA_RUNTIME_PROVIDES)
    media_dists = closure(top_level(MEDIA_LAYER_REQUIREMENTS), LAMBDA_RUNTIME_PROVIDES | app_dists)
    app = zipped_size(app_files() + [f for d in sorted(app_dists) for f in distribution_files(d)])
    media = zipped_size([f for d in sorted(media_dists) for f in distribution_files(d)])
    print(f"Deployment size (the app zip is shared by every function: {', '.join(sorted(app_dists))}; "
          f"media layer: {', '.join(sorted(media_dists))})")
    print(f"{'function':<30}{'unzipped':>10}{'zipped':>10}")
    for function, layers in FUNCTION_LAYERS.items():
        raw, packed = app
        if "media" in layers:
            raw, packed = raw + media[0], packed + media[1]
        print(f"{function:<30}{raw / 1e6:>8.1f}MB{packed / 1e6:>8.1f}MB" + ("  (app zip + Pillow layer)" if layers else ""))


if __name__ == "__main__":
    print_sizes()
