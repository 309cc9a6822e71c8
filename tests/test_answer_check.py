"""``quiz check CARD_ID``: a typed answer on stdin, the checker's findings as one JSON
document; ``quiz check`` alone still checks the database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def quiz(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args],
        input=stdin,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )


def check(card: str, answer: str) -> dict[str, Any]:
    result = quiz("check", card, stdin=answer.encode())
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    [line] = result.stdout.decode().splitlines()  # one document
    document: dict[str, Any] = json.loads(line)
    return document


def test_a_correct_answer_ticks_its_points_with_the_words_that_made_them() -> None:
    doc = check(
        "backpropagation",
        "Backprop uses the chain rule to compute the gradient of the loss with respect to "
        "every weight. It only computes gradients; the optimiser updates the weights.",
    )
    assert doc["points"] == [True, True, False, True]
    matched = doc["matched"]
    assert isinstance(matched, list) and matched[1] == "chain rule" and matched[2] is None
    assert doc["misconceptions"] == []
    assert doc["suggested_grade"] == 4


def test_a_misconception_is_named_with_its_correction_and_caps_the_grade() -> None:
    doc = check(
        "backpropagation", "Backpropagation computes the gradients and updates the weights."
    )
    [wrong] = doc["misconceptions"]
    assert wrong["claim"] == "Backprop updates the weights to reduce the error"
    assert "gradient descent" in wrong["correction"]
    assert wrong["contradicts"] == [4] and wrong["matched"].startswith("Backpropagation")
    assert doc["points"][3] is False
    assert doc["suggested_grade"] == 2


def test_an_empty_answer_suggests_no_grade() -> None:
    doc = check("softmax-relu", "")
    assert doc["suggested_grade"] is None and doc["points"] == [False] * 6


def test_an_unknown_card_is_one_line_and_status_2() -> None:
    result = quiz("check", "no-such-card", stdin=b"anything")
    assert result.returncode == 2 and result.stdout == b""
    [line] = result.stderr.decode().splitlines()
    assert "no card 'no-such-card'" in line


def test_without_a_card_check_still_checks_the_database(tmp_path: Path) -> None:
    result = quiz("check", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr.decode()
    assert b"{" not in result.stdout  # the database check, not an answer check
