"""Multipart uploads: files given as bytes and as paths, with Cyrillic
names, through both clients; and the argument checks of `files=`."""

import asyncio
import base64
import os
import pathlib
from typing import Any, Dict, List, Union

import pytest

import uspacy

from conftest import Mock

NAME = "Договір №5.pdf"
CONTENT = b"%PDF-1.4\n\xd0\x94\xff\x00 binary tail\n"
FIELDS = {"entityType": "deals", "entityId": 7}


def body_of(recorded: Dict[str, Any]) -> bytes:
    """Return the raw body of a recorded request, which the mock sends as base64
    when it is not UTF-8."""
    if recorded["body"] is not None:
        return str(recorded["body"]).encode()
    return base64.b64decode(recorded["body_base64"])


def recorded_upload_body(mock: Mock) -> bytes:
    """Return the body of the one request recorded, which must be an upload."""
    recorded = mock.requests()
    assert [(r["method"], r["path"]) for r in recorded] == [("POST", "/files/v1/files")]
    return body_of(recorded[0])


def part_header(name: str, content_type: str = "application/octet-stream") -> bytes:
    return (
        f'Content-Disposition: form-data; name="files[]"; filename="{name}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()


@pytest.fixture
def contract(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / NAME
    path.write_bytes(CONTENT)
    return path


def upload(flavour: str, mock: Mock, files: List[Any]) -> Any:
    """Upload `files` to deal 7 with the blocking or the asyncio client."""
    options = {"base_url": mock.base_url, "email": mock.email, "password": mock.password}
    if flavour == "sync":
        with uspacy.Client(**options) as client:
            client.authenticate()
            mock.control("DELETE", "/__mock/requests")
            return client.files.upload(files=files, fields=FIELDS)

    async def main() -> Any:
        async with uspacy.AsyncClient(**options) as client:
            await client.authenticate()
            mock.control("DELETE", "/__mock/requests")
            return await client.files.upload(files=files, fields=FIELDS)

    return asyncio.run(main())


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("source", ["path", "bytes"])
def test_cyrillic_name_from_path_and_bytes(
    mock: Mock, contract: pathlib.Path, flavour: str, source: str
) -> None:
    entry = contract if source == "path" else (NAME, contract.read_bytes())

    uploaded = upload(flavour, mock, [entry])

    body = recorded_upload_body(mock)
    assert part_header(NAME) + CONTENT + b"\r\n" in body
    assert b'name="entityType"\r\n\r\ndeals\r\n' in body
    assert b'name="entityId"\r\n\r\n7\r\n' in body
    [stored] = uploaded["data"]
    assert stored["originalFilename"] == NAME
    assert stored["size"] == len(CONTENT)


def test_tuple_with_path_content(mock: Mock, client: uspacy.Client, contract: pathlib.Path) -> None:
    # Bytes are always content, even when they spell a path.
    uploaded = client.files.upload(
        files=[("Акт звірки.pdf", contract, "application/pdf"), ("копія.pdf", str(contract).encode())],
        fields=FIELDS,
    )

    body = recorded_upload_body(mock)
    assert part_header("Акт звірки.pdf", "application/pdf") + CONTENT + b"\r\n" in body
    assert part_header("копія.pdf") + str(contract).encode() + b"\r\n" in body
    assert [file["originalFilename"] for file in uploaded["data"]] == ["Акт звірки.pdf", "копія.pdf"]


class FolderEntry:
    """An `os.PathLike` that is not a `pathlib.Path`, returning bytes."""

    def __init__(self, path: pathlib.Path) -> None:
        self.path = path

    def __fspath__(self) -> bytes:
        return os.fsencode(self.path)


def test_path_like_in_generic_call(mock: Mock, client: uspacy.Client, contract: pathlib.Path) -> None:
    second = contract.with_name("рахунок.txt")
    second.write_bytes(b"")

    client.call("files.upload", files=[FolderEntry(contract), second], fields=FIELDS)

    body = recorded_upload_body(mock)
    assert part_header(NAME) + CONTENT + b"\r\n" in body
    assert part_header("рахунок.txt") + b"\r\n" in body
    assert body.index(NAME.encode()) < body.index("рахунок.txt".encode())


@pytest.mark.parametrize(
    "files, fragment",
    [
        (lambda path: [path.with_name("немає.pdf")], "files[0]: cannot read {dir}/немає.pdf: No such file"),
        (lambda path: [(NAME, b"x"), path.parent], "files[1]: cannot read {dir}: Is a directory"),
        (lambda path: path, "files must be a list whose items are each"),
        (lambda path: [str(path)], "got str (wrap a path in pathlib.Path)"),
        (lambda path: [pathlib.Path("/")], "the path / has no file name: pass (filename, path)"),
        (lambda path: [("", path)], "files[0]: the file name is empty"),
        (lambda path: [(path, b"x")], "files[0]: the file name must be a str, got PosixPath"),
        (lambda path: [(NAME, str(path))], "files[0]: the content must be bytes, bytearray, memoryview or a path"),
    ],
)
def test_bad_files(mock: Mock, client: uspacy.Client, contract: pathlib.Path, files: Any, fragment: str) -> None:
    with pytest.raises(uspacy.ConfigError) as raised:
        client.files.upload(files=files(contract), fields=FIELDS)

    assert fragment.format(dir=contract.parent) in str(raised.value)
    assert raised.value.kind == "config"
    assert mock.requests() == []


def test_async_unreadable_file(mock: Mock, async_options: Dict[str, Any], tmp_path: pathlib.Path) -> None:
    missing: Union[str, pathlib.Path] = tmp_path / "немає.pdf"

    async def main() -> None:
        async with uspacy.AsyncClient(**async_options) as client:
            await client.authenticate()
            mock.control("DELETE", "/__mock/requests")
            pending = client.files.upload(files=[missing], fields=FIELDS)
            with pytest.raises(uspacy.ConfigError, match="cannot read .*немає.pdf"):
                await pending

    asyncio.run(main())
    assert mock.requests() == []


@pytest.mark.skipif(os.name != "posix", reason="file names are bytes only on POSIX systems")
def test_non_utf8_file_name(mock: Mock, client: uspacy.Client, tmp_path: pathlib.Path) -> None:
    path = tmp_path / os.fsdecode(b"scan-\xff.pdf")
    path.write_bytes(CONTENT)

    with pytest.raises(uspacy.ConfigError, match=r"is not valid UTF-8: pass \(filename, path\)"):
        client.files.upload(files=[path], fields=FIELDS)
    assert mock.requests() == []

    client.files.upload(files=[("скан.pdf", path)], fields=FIELDS)
    assert part_header("скан.pdf") + CONTENT + b"\r\n" in recorded_upload_body(mock)
