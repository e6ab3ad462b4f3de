"""A store for the web tests: the example article, a few SlavicNER articles, and one hostile page."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import EXAMPLE, ROOT, run_vestnik

SLAVICNER = ROOT.parent / "shared" / "data" / "slavicner" / "raw" / "nord_stream" / "bg"
SCRIPT_URLS = {"първата": "  JaVaScRiPt:alert(document.cookie)", "втората": "data:text/html,<script>alert(2)</script>"}
"""Articles whose url is a script: their page shows it as text, never as a link."""
HOSTILE_TEXT = ("Рябков каза, че <script>alert('xss')</script> е опасен текст.\n\n"
                "<img src=x onerror=alert(1)> Още един \"цитат\" с <b>тагове</b>, заяви Рябков.")


def build_store(folder: Path) -> str:
    """A SQLite store in `folder`, filled by the real `vestnik ingest`."""
    db = str(folder / "web.db")
    corpus = folder / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for number, path in enumerate(sorted(SLAVICNER.glob("*.txt"))[:8]):
            out.write(json.dumps({"id": path.name, "text": path.read_text(encoding="utf-8"),
                                  "published": f"2021-02-{number + 1:02d}"}, ensure_ascii=False) + "\n")
        out.write(json.dumps({"id": "hostile", "text": HOSTILE_TEXT, "published": "2022-01-10", "url": "https://evil.example/x"},
                             ensure_ascii=False) + "\n")
        for name, url in SCRIPT_URLS.items():
            out.write(json.dumps({"id": name, "text": f"Статия със скриптова връзка, {name} от двете.", "url": url},
                                 ensure_ascii=False) + "\n")
    for arguments in ((EXAMPLE, "--published", "2022-01-09"), (corpus,)):
        run = run_vestnik("ingest", *arguments, "--db", db)
        assert run.code == 0, run.stderr
    return db
