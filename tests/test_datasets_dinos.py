"""data/dinos.txt follows its rules, and the loader of notebook 17 reads it (or a file of one's own)."""

import re

import pytest

from course_utils import config
from course_utils.datasets import dinos

SHIPPED = config.REPO_DIR / "data" / "dinos.txt"


def test_the_shipped_file_follows_its_rules():
    raw = SHIPPED.read_bytes()
    assert raw.endswith(b"\n") and b"\r" not in raw, "one name per line, Unix line endings, final newline"
    lines = raw.decode("ascii").split("\n")[:-1]
    assert len(lines) >= 1000
    bad = [line for line in lines if not re.fullmatch(r"[a-z]+", line)]
    assert bad == [], f"only lowercase letters a-z on each line; got {bad[:5]}"
    assert len(set(lines)) == len(lines), "no duplicates"
    assert lines == sorted(lines), "sorted"


def test_the_provenance_is_written_down():
    text = (config.REPO_DIR / "data" / "dinos.README.md").read_text()
    for words in ("npm package", "WTFPL", "Fetched", "sort -u"):
        assert words in text


def test_load_dinos_reads_the_shipped_names():
    names = dinos.load_dinos(SHIPPED)
    assert names == SHIPPED.read_text().split()
    assert {"tyrannosaurus", "triceratops", "velociraptor"} <= set(names)


def test_the_default_path_is_the_data_dir_then_the_shipped_file(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    assert dinos.dinos_path() == SHIPPED
    assert dinos.load_dinos() == dinos.load_dinos(SHIPPED)
    (tmp_path / "dinos.txt").write_text("Mine\nOurs\n")
    assert dinos.dinos_path() == tmp_path / "dinos.txt"
    assert dinos.load_dinos() == ["mine", "ours"]


def test_a_file_of_ones_own_is_stripped_and_lowercased(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("  Aardonyx \n\nZBY\r\nkol")
    assert dinos.load_dinos(path) == ["aardonyx", "zby", "kol"]


def test_missing_or_empty_files_say_what_is_wrong(tmp_path):
    with pytest.raises(FileNotFoundError, match="one name per line"):
        dinos.load_dinos(tmp_path / "nothing.txt")
    (tmp_path / "empty.txt").write_text("\n \n")
    with pytest.raises(ValueError, match="holds no names"):
        dinos.load_dinos(tmp_path / "empty.txt")


def test_vocabulary_of_the_names_is_newline_then_a_to_z():
    char_to_ix, ix_to_char = dinos.build_vocabulary(dinos.load_dinos(SHIPPED))
    assert len(char_to_ix) == 27
    assert char_to_ix["\n"] == 0 and char_to_ix["a"] == 1 and char_to_ix["z"] == 26
    assert all(ix_to_char[i] == ch for ch, i in char_to_ix.items())
    small, _ = dinos.build_vocabulary(["ba"])
    assert small == {"\n": 0, "a": 1, "b": 2}


def test_encode_and_decode():
    char_to_ix, ix_to_char = dinos.build_vocabulary(["abcxyz"])
    assert dinos.encode("cab", char_to_ix) == [3, 1, 2]
    assert dinos.decode([3, 1, 2, 0], ix_to_char) == "cab\n"
    with pytest.raises(ValueError, match="'q'"):
        dinos.encode("qa", char_to_ix)
