"""Drop from the deployment package what the Lambda Python runtime already has.

PynamoDB depends on botocore, so ``chalice package`` puts botocore (about 21 MB unzipped, most of
the package) in the zip even though ``requirements.txt`` leaves boto3/botocore out: the runtime
ships both. This rewrites the zip without them, and without the 3.4 MB regency boundaries GeoJSON, of which
the functions read only the compact form built from it (``devtools/build_places.py``).

    python -m deploy.slim build/deployment.zip
"""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

# Top-level names (packages and their metadata) the python3.13 Lambda runtime provides.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")
# Sources of files the functions read in a compact form (devtools/build_places.py): not shipped.
SOURCE_ONLY = ("chalicelib/data/wilayah/regency-boundaries.geojson",)


def provided_by_runtime(name: str) -> bool:
    if name in SOURCE_ONLY:
        return True
    top = name.split("/", 1)[0]
    return any(top == pkg or (top.startswith(f"{pkg}-") and top.endswith((".dist-info", ".egg-info")))
               for pkg in RUNTIME_PROVIDED)


def slim(path: Path) -> tuple[int, int]:
    """Rewrite the zip in place; returns how many entries and unzipped bytes were dropped."""
    tmp = path.with_suffix(".slim.zip")
    dropped = dropped_bytes = 0
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if provided_by_runtime(info.filename):
                dropped += 1
                dropped_bytes += info.file_size
                continue
            dst.writestr(info, src.read(info), compress_type=zipfile.ZIP_DEFLATED)
    os.replace(tmp, path)
    return dropped, dropped_bytes


def sizes(path: Path) -> tuple[int, int]:
    with zipfile.ZipFile(path) as z:
        return path.stat().st_size, sum(i.file_size for i in z.infolist())


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    path = Path(args[0] if args else "build/deployment.zip")
    dropped, dropped_bytes = slim(path)
    zipped, unzipped = sizes(path)
    print(f"{path}: dropped {dropped} files ({dropped_bytes / 1e6:.1f} MB) the runtime provides; "
          f"now {zipped / 1e6:.1f} MB zipped, {unzipped / 1e6:.1f} MB unzipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
