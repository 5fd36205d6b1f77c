"""Signing benchmark (issue 11 point 8): PAdES signing and verification of the documents an officer adds.

Measures, in-process with the demo CA under a temporary directory (a P-256 key, SHA-256):
signing a one-page PDF, verifying it, wrapping an A4 200 dpi JPEG scan into a PDF and signing it, and signing a
30-page scanned PDF. CPU time (``time.process_time``, what the signing costs the server) and wall time (what the
officer waits for, which depends on the machine's load) are both reported, medians over the runs. Citizens' online
uploads are not signed (``dossiers.digitisation.signature_kind`` returns ``None`` before any work), so submission
figures do not move.

Writes ``bench/RESULTS-signing.md``.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="motcua-bench-signing-")
    os.environ["MOTCUA_VAR_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    sys.path.insert(0, str(HERE.parent / "src"))
    import django

    django.setup()
    from fpdf import FPDF
    from PIL import Image

    from motcua.core import signing
    from motcua.dossiers import digitisation

    ref = signing.SignerRef(signing.OFFICER, "bench-officer", "Cán bộ đo hiệu năng")

    def measure(fn, runs: int) -> tuple[float, float]:
        fn()
        cpu, wall = [], []
        for _ in range(runs):
            c, w = time.process_time(), time.perf_counter()
            fn()
            cpu.append(time.process_time() - c)
            wall.append(time.perf_counter() - w)
        return statistics.median(cpu) * 1000, statistics.median(wall) * 1000

    page = FPDF()
    page.add_page()
    page.set_font("helvetica", size=12)
    page.cell(text="Giay tiep nhan ho so va hen tra ket qua")
    one = bytes(page.output())
    signed = signing.sign_pdf(one, ref)
    scan = BytesIO()
    Image.effect_noise((1654, 2339), 40).convert("RGB").save(scan, "JPEG", quality=85, dpi=(200, 200))
    jpeg = scan.getvalue()
    book = FPDF()
    for _ in range(30):
        book.add_page()
        book.image(BytesIO(jpeg), x=0, y=0, w=210)
    thirty = bytes(book.output())

    rows = [
        (f"sign a one-page PDF ({len(one):,} bytes)", measure(lambda: signing.sign_pdf(one, ref), 30)),
        ("verify it against the trust roots", measure(lambda: signing.verify_pdf(signed), 30)),
        (f"wrap an A4 200 dpi JPEG scan ({len(jpeg) // 1024:,} KiB) into a PDF",
         measure(lambda: digitisation.as_pdf(jpeg, "image/jpeg"), 10)),
        ("wrap it and sign", measure(lambda: signing.sign_pdf(digitisation.as_pdf(jpeg, "image/jpeg"), ref), 10)),
        (f"sign a 30-page scanned PDF ({len(thirty) / 1e6:.1f} MB)", measure(lambda: signing.sign_pdf(thirty, ref), 5)),
    ]
    load = os.getloadavg()
    lines = [
        "# Signing benchmark (issue 11 point 8)",
        "",
        f"Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; load average {load[0]:.1f} / {load[1]:.1f} / "
        f"{load[2]:.1f}. Command: `python bench/signing.py`.",
        "",
        "PAdES B-B, SHA-256, ECDSA P-256 (the demo CA's keys), pyHanko in-process. Medians.",
        "",
        "| operation | CPU time | wall time |",
        "|---|---|---|",
        *[f"| {name} | {cpu:.1f} ms | {wall:.1f} ms |" for name, (cpu, wall) in rows],
        "",
        "Citizens' online uploads are not signed: submission figures (`bench/RESULTS-dossiers.md`) are unchanged by "
        "signing. Wall times above the CPU times measure the machine's load, not the signing.",
        "",
    ]
    (HERE / "RESULTS-signing.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
