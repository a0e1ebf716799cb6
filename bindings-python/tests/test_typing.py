"""The stubs type-check typical code under `mypy --strict`."""

import pathlib
import subprocess
import sys

import pytest

SAMPLE = pathlib.Path(__file__).resolve().parent / "typing_sample.py"


def test_sample_type_checks() -> None:
    pytest.importorskip("mypy", reason="mypy is not installed (scripts/test.sh installs it)")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(SAMPLE)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_wrong_types_are_reported(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("mypy", reason="mypy is not installed (scripts/test.sh installs it)")
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        "import uspacy\n"
        "client = uspacy.Client(domain='acme')\n"
        "client.crm.items.get('deals')\n"
        "client.crm.items.list('deals', pages=2)\n"
        "title: int = client.crm.items.get('deals', 1)['title']\n"
        "client.files.upload(files=['contract.pdf'])\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(wrong)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert 'Missing positional argument "id"' in result.stdout
    assert 'Unexpected keyword argument "pages"' in result.stdout
    assert "Incompatible types in assignment" in result.stdout
    assert 'List item 0 has incompatible type "str"' in result.stdout
