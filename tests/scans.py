"""Scans and phone photos made from real forms, for the OCR reader's tests and benchmark.

A form PDF is rendered with poppler (`pdftoppm`, as a printer would put it on paper),
then degraded the ways paper comes back: turned a little on the glass, speckled, saved
as JPEG; or photographed: the sheet on a dark desk, seen at an angle, lit unevenly.
`field_accuracy` compares a reading with what was filled in, field by field.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image


def render(pdf: bytes, dpi: int) -> list[Any]:
    """Grey numpy pages of a PDF at `dpi` (poppler, which draws form fields and boxes)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "form.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(src),
                        str(Path(tmp) / "p")], check=True, capture_output=True, timeout=120)
        return [np.asarray(Image.open(p).convert("L"))
                for p in sorted(Path(tmp).glob("p-*.png"))]


def degrade(gray: Any, *, angle: float = 0.0, noise: float = 0.0, seed: int = 1) -> Any:
    """Turned by `angle` degrees on the glass, with grey speckle of strength `noise`."""
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    out = cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    if noise:
        rng = np.random.default_rng(seed)
        out = np.clip(out.astype(np.float32) + rng.normal(0, 255 * noise, out.shape), 0, 255)
        out = cv2.GaussianBlur(out.astype(np.uint8), (3, 3), 0.6)
    return out


def photograph(gray: Any, seed: int = 2) -> Any:
    """The page as a phone photo: on a dark desk, in perspective, lit from one side."""
    h, w = gray.shape
    W, H = int(w * 1.25), int(h * 1.2)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    dst = np.array([[0.12 * W, 0.07 * H], [0.86 * W, 0.05 * H], [0.93 * W, 0.94 * H],
                    [0.06 * W, 0.91 * H]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    desk = np.full((H, W), 55, np.uint8)
    sheet = cv2.warpPerspective(gray, m, (W, H), flags=cv2.INTER_LINEAR, borderValue=0)
    mask = cv2.warpPerspective(np.full_like(gray, 255), m, (W, H), borderValue=0)
    out = np.where(mask > 0, sheet, desk).astype(np.float32)
    light = np.linspace(1.0, 0.62, W, dtype=np.float32)[None, :] * np.linspace(
        0.95, 1.0, H, dtype=np.float32)[:, None]
    rng = np.random.default_rng(seed)
    out = out * light + rng.normal(0, 4, out.shape)
    return np.clip(out, 0, 255).astype(np.uint8)


def jpeg(gray: Any, quality: int = 70) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(gray).save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def image_pdf(pages: list[Any], dpi: int, quality: int = 75) -> bytes:
    """An image-only PDF (what a scanner writes): one JPEG per page, no text layer."""
    images = [Image.open(io.BytesIO(jpeg(p, quality))) for p in pages]
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return buf.getvalue()


def leaves(data: Any, prefix: str = "") -> dict[str, Any]:
    """`{"referrer": {"name": x}}` -> `{"referrer.name": x}`; list items by index."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            out.update(leaves(v, f"{prefix}.{k}" if prefix else k))
    elif isinstance(data, list) and data and isinstance(data[0], dict):
        for i, v in enumerate(data):
            out.update(leaves(v, f"{prefix}[{i}]"))
    else:
        out[prefix] = data
    return out


def field_accuracy(got: dict[str, Any], want: dict[str, Any]) -> tuple[float, list[str]]:
    """Share of the expected form's fields read exactly, and the keys that were not."""
    g, w = leaves(got), leaves(want)
    keys = sorted(set(g) | set(w))
    wrong = [k for k in keys if g.get(k) != w.get(k)]
    return 1 - len(wrong) / len(keys), wrong
