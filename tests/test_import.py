"""quiz import: Anki decks made by genanki and by Anki's own package, and CSV, become
user cards; a re-import skips, updates, or keeps what was edited; broken files are
one line each."""

from __future__ import annotations

import zipfile
from pathlib import Path

import genanki
import pytest

from quiz.ankifile import read_notes
from quiz.checker import point_made
from quiz.deck import Deck
from quiz.errors import QuizError
from quiz.importer import import_file, key_phrases, to_markdown
from quiz.userdeck import with_user_cards

BASIC = genanki.BASIC_MODEL
CLOZE = genanki.CLOZE_MODEL


def genanki_deck(
    path: Path, back: str = "Randomly zeroing units during training.<br>It regularises."
) -> Path:
    deck = genanki.Deck(2059400110, "Interview")
    deck.add_note(
        genanki.Note(
            model=BASIC,
            fields=["What is <b>dropout</b>?", back],
            tags=["DL::regularisation", "exam"],
            guid="dropout-note",
        )
    )
    deck.add_note(
        genanki.Note(
            model=CLOZE,
            fields=["The {{c1::softmax}} turns logits into {{c2::probabilities::what?}}.", ""],
            guid="softmax-cloze",
        )
    )
    genanki.Package(deck).write_to_file(str(path))
    return path


@pytest.fixture(scope="module")
def anki_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same two notes exported by Anki itself: new format (zstd), legacy, colpkg."""
    from anki.collection import Collection, ExportAnkiPackageOptions
    from anki.decks import DeckId

    folder = tmp_path_factory.mktemp("anki")
    col = Collection(str(folder / "c.anki2"))
    try:
        note = col.new_note(col.models.by_name("Basic"))  # type: ignore[arg-type]
        note["Front"] = "What is <b>dropout</b>?"
        note["Back"] = "Randomly zeroing units during training.<br>It regularises."
        note.tags = ["DL::regularisation", "exam"]
        col.add_note(note, DeckId(1))
        cloze = col.new_note(col.models.by_name("Cloze"))  # type: ignore[arg-type]
        cloze["Text"] = "The {{c1::softmax}} turns logits into {{c2::probabilities::what?}}."
        col.add_note(cloze, DeckId(1))
        files = {name: folder / name for name in ("new.apkg", "legacy.apkg", "all.colpkg")}
        options = ExportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, with_media=False, legacy=False
        )
        col.export_anki_package(out_path=str(files["new.apkg"]), options=options, limit=None)
        options.legacy = True
        col.export_anki_package(out_path=str(files["legacy.apkg"]), options=options, limit=None)
        col.export_collection_package(str(files["all.colpkg"]), include_media=False, legacy=False)
    finally:
        col.close()
    return files


def cards_of(full_deck: Deck, folder: Path) -> Deck:
    deck = with_user_cards(full_deck, folder)
    assert deck.skipped == ()
    return deck


def check_the_two_notes(full_deck: Deck, folder: Path) -> None:
    deck = cards_of(full_deck, folder)
    mine = {c.question: c for c in deck if c.origin == "user"}
    assert set(mine) == {
        "What is dropout?",
        "The [...] turns logits into probabilities.",
        "The softmax turns logits into [what?].",
    }
    dropout = mine["What is dropout?"]
    assert dropout.tags == ("dl-regularisation", "exam")
    assert dropout.body == "## Answer\n\nRandomly zeroing units during training.\n\nIt regularises."
    assert dropout.key_points[0].text == "Randomly zeroing units during training."
    assert point_made(dropout.key_points[0], "It zeroes units at random during training.")
    assert not point_made(dropout.key_points[0], "It normalises the activations.")
    blank = mine["The [...] turns logits into probabilities."]
    assert blank.key_points[0].text == "softmax"
    assert point_made(blank.key_points[0], "It is the softmax.")
    assert "The softmax turns logits into probabilities." in blank.body


def test_a_genanki_deck_imports_basic_and_cloze_notes(full_deck: Deck, tmp_path: Path) -> None:
    folder = tmp_path / "cards"
    report = import_file(genanki_deck(tmp_path / "d.apkg"), with_user_cards(full_deck, folder))
    assert report.lines == ["3 added, 0 updated, 0 skipped"]
    check_the_two_notes(full_deck, folder)


@pytest.mark.parametrize("name", ["new.apkg", "legacy.apkg", "all.colpkg"])
def test_decks_exported_by_anki_import_the_same(
    full_deck: Deck, tmp_path: Path, anki_files: dict[str, Path], name: str
) -> None:
    if name == "new.apkg":  # zstd-compressed collection.anki21b beside a dummy .anki2
        assert "collection.anki21b" in zipfile.ZipFile(anki_files[name]).namelist()
    folder = tmp_path / "cards"
    report = import_file(anki_files[name], with_user_cards(full_deck, folder))
    assert report.lines == ["3 added, 0 updated, 0 skipped"]
    check_the_two_notes(full_deck, folder)


def test_a_reimport_skips_updates_and_keeps_what_was_edited(
    full_deck: Deck, tmp_path: Path
) -> None:
    folder = tmp_path / "cards"
    deck = with_user_cards(full_deck, folder)
    import_file(genanki_deck(tmp_path / "d.apkg"), deck)
    first = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()}
    again = import_file(genanki_deck(tmp_path / "d.apkg"), deck)
    assert again.lines == ["0 added, 0 updated, 3 skipped"]
    # The source changed: the card is updated in place, under the same id.
    changed = import_file(genanki_deck(tmp_path / "d.apkg", back="Zeroing units."), deck)
    assert changed.lines == ["0 added, 1 updated, 2 skipped"]
    assert {p.name for p in folder.iterdir()} == set(first)
    [dropout] = [p for p in folder.iterdir() if p.name.startswith("what-is-dropout")]
    assert "Zeroing units." in dropout.read_text(encoding="utf-8")
    # Edited here, then the source changed again: the edit is kept.
    dropout.write_text(dropout.read_text(encoding="utf-8").replace("Zeroing", "My words:"))
    kept = import_file(genanki_deck(tmp_path / "d.apkg", back="Something else."), deck)
    assert kept.lines == [
        "0 added, 0 updated, 3 skipped (1 of them edited since the last import, kept)"
    ]
    assert "My words:" in dropout.read_text(encoding="utf-8")


def test_a_csv_imports_with_or_without_a_header_and_tags(full_deck: Deck, tmp_path: Path) -> None:
    csv = tmp_path / "qa.csv"
    csv.write_text(
        "question,answer,tags\n"
        '"What does Adam keep per parameter?","Running means of the gradient and its square. '
        'It also corrects their bias.","optimisers adam"\n'
        "What is 2/L?,The step size above which gradient descent diverges.\n"
        "What is 2/L?,A duplicate row.\n"
        "No answer here,\n",
        encoding="utf-8",
    )
    folder = tmp_path / "cards"
    report = import_file(csv, with_user_cards(full_deck, folder))
    assert report.lines == [
        "qa.csv: row 5: skipped: it needs a question and an answer",
        "2 added, 0 updated, 2 skipped",
    ]
    deck = cards_of(full_deck, folder)
    adam = next(c for c in deck if c.question.startswith("What does Adam"))
    assert adam.tags == ("optimisers", "adam")
    assert point_made(adam.key_points[0], "It keeps the running means of each gradient.")
    semi = tmp_path / "semi.csv"
    semi.write_text("Why warm up?;Large early steps are unstable.\n", encoding="utf-8")
    assert import_file(semi, deck).lines == ["1 added, 0 updated, 0 skipped"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "What is 2/L?,The step size above which gradient descent diverges.\n"
            '"Why warm up?,Large early steps are unstable.\n'
            "Why clip?,To bound the update.\n",
            "qa.csv: row 2: a quote opened there is never closed",
        ),
        (
            "Why warm up?;Large early steps are unstable.\n"
            "Why clip?;To bound the update.\n"
            'What is 2/L?;"The step size above which it diverges.\n'
            "What is Adam?;Momentum with per-parameter steps.\n",
            "qa.csv: row 3: a quote opened there is never closed",
        ),
    ],
)
def test_a_csv_with_a_broken_quote_is_refused_naming_the_row(
    full_deck: Deck, tmp_path: Path, text: str, message: str
) -> None:
    # Read leniently, the quote never closed took the rows after it into one cell.
    path = tmp_path / "qa.csv"
    path.write_text(text, encoding="utf-8")
    folder = tmp_path / "cards"
    with pytest.raises(QuizError, match=message) as refused:
        import_file(path, with_user_cards(full_deck, folder))
    assert "\n" not in str(refused.value)
    assert not folder.exists() or not any(folder.iterdir())  # nothing imported


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip at all", r"is not an Anki file \(not a zip archive\)"),
        (None, r"holds no Anki collection"),
        (b"garbage", r"collection cannot be read"),
        (b"\x28\xb5\x2f\xfdgarbage", r"not as Anki writes it .*not zstd data"),
    ],
)
def test_a_broken_anki_file_is_one_line(
    full_deck: Deck, tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "broken.apkg"
    if content == b"not a zip at all":
        path.write_bytes(content)
    else:
        with zipfile.ZipFile(path, "w") as z:
            if content is None:
                z.writestr("media", "{}")
            elif content.startswith(b"\x28\xb5"):
                z.writestr("collection.anki21b", content)
            else:
                z.writestr("collection.anki2", content)
    folder = tmp_path / "cards"
    with pytest.raises(QuizError, match=message) as e:
        import_file(path, with_user_cards(full_deck, folder))
    assert "\n" not in str(e.value) and str(path) in str(e.value)
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_file_of_another_kind_or_missing_is_one_line(full_deck: Deck, tmp_path: Path) -> None:
    deck = with_user_cards(full_deck, tmp_path / "cards")
    with pytest.raises(QuizError, match=r"imports \.apkg, \.colpkg and \.csv files, not '\.pdf'"):
        import_file(tmp_path / "x.pdf", deck)
    with pytest.raises(QuizError, match="there is no file"):
        import_file(tmp_path / "none.apkg", deck)
    with pytest.raises(QuizError, match="cannot read"):
        import_file(tmp_path / "none.csv", deck)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("caf\xe9,answer\n".encode("latin-1"))
    with pytest.raises(QuizError, match="is not UTF-8 text"):
        import_file(latin, deck)


def test_an_unwritable_folder_stops_the_import_in_one_line(
    full_deck: Deck, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cards").write_text("a file where the folder should be")
    deck = with_user_cards(full_deck, tmp_path / "cards")
    with pytest.raises(QuizError, match="cannot write cards in"):
        import_file(genanki_deck(tmp_path / "d.apkg"), deck)
    import quiz.importer

    def full(path: Path, text: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(quiz.importer, "save_card", full)
    deck = with_user_cards(full_deck, tmp_path / "other")
    with pytest.raises(QuizError, match=r"no space left on device; stopped \(0 added"):
        import_file(genanki_deck(tmp_path / "d.apkg"), deck)


def test_html_becomes_plain_text_and_markdown() -> None:
    assert to_markdown("a&nbsp;<i>b</i> &amp; <code>c</code><br>d") == "a *b* & `c`\n\nd"
    assert to_markdown("<ul><li>one</li><li>two</li></ul>") == "- one\n- two"
    assert to_markdown('x<img src="f.png">[sound:a.mp3]<script>bad()</script>') == "x[image: f.png]"


def test_key_phrases_take_a_short_answer_whole_and_pairs_of_a_long_one() -> None:
    assert key_phrases("O(n^2)") == ["O n^2"]
    assert key_phrases("Is it a | b?") == ["Is it a \\| b"]
    assert key_phrases("Dropout randomly zeroes activations during training.") == [
        "dropout ... randomly",
        "randomly ... zeroes",
        "zeroes ... activations",
        "activations ... training",
    ]


def test_anki_notes_keep_their_guid_fields_and_tags(tmp_path: Path) -> None:
    [basic, cloze] = read_notes(genanki_deck(tmp_path / "d.apkg"))
    assert basic.guid == "dropout-note" and basic.fields[0] == ("Front", "What is <b>dropout</b>?")
    assert basic.tags == ("DL::regularisation", "exam") and not basic.cloze
    assert cloze.cloze and cloze.fields[0][0] == "Text"


def test_quiz_import_prints_the_counts_and_a_broken_file_is_one_line(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "QUIZ_CARDS": str(tmp_path / "cards")}

    def quiz(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "quiz", "--db", str(tmp_path / "q.db"), *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, check=False)

    deck = genanki_deck(tmp_path / "d.apkg")
    done = quiz("import", str(deck))
    assert (done.returncode, done.stdout, done.stderr) == (0, "3 added, 0 updated, 0 skipped\n", "")
    assert quiz("import", str(deck)).stdout == "0 added, 0 updated, 3 skipped\n"
    (tmp_path / "bad.apkg").write_bytes(b"PK\x03\x04 truncated")
    bad = quiz("import", str(tmp_path / "bad.apkg"))
    assert bad.returncode == 1 and bad.stdout == ""
    assert (
        bad.stderr
        == f"quiz: error: {tmp_path / 'bad.apkg'} is not an Anki file (not a zip archive)\n"
    )
    assert not (tmp_path / "q.db").exists()


def test_an_image_occlusion_or_one_field_note_is_left_out_with_a_line(tmp_path: Path) -> None:
    from quiz.ankifile import Note
    from quiz.importer import from_notes

    notes = [
        Note("a", (("Occlusion", "{{c1::image-occlusion:rect:left=.1}}"),), (), True),
        Note("b", (("Front", "Only a front"),), (), False),
    ]
    cards, problems = from_notes(notes, "d.apkg")
    assert cards == []
    assert problems == [
        "d.apkg: note 1: skipped: an image occlusion note (images are not imported)",
        "d.apkg: note 2: skipped: one field only, no answer",
    ]


def test_an_encrypted_zip_is_one_line(full_deck: Deck, tmp_path: Path) -> None:
    path = tmp_path / "locked.apkg"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("collection.anki2", b"x")
    data = bytearray(path.read_bytes())
    # Set the "encrypted" flag in the local and central headers.
    for signature in (b"PK\x03\x04", b"PK\x01\x02"):
        at = data.index(signature)
        flag = at + (6 if signature == b"PK\x03\x04" else 8)
        data[flag] |= 1
    path.write_bytes(bytes(data))
    with pytest.raises(QuizError, match=r"locked\.apkg: its collection cannot be unpacked"):
        import_file(path, with_user_cards(full_deck, tmp_path / "cards"))
