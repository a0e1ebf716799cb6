"""The generated namespaces match the operation table and their stubs."""

import ast
import keyword
import os
import pathlib
import subprocess

import uspacy
from uspacy import _generated

PACKAGE = pathlib.Path(uspacy.__file__).resolve().parent
WORKSPACE_DIR = pathlib.Path(__file__).resolve().parent.parent.parent


def test_generated_files_match_table() -> None:
    result = subprocess.run(
        ["cargo", "run", "--quiet", "-p", "uspacy-codegen", "--", "--check"],
        cwd=WORKSPACE_DIR,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=900,
    )
    assert result.returncode == 0, result.stderr


def classes(path: pathlib.Path) -> dict:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            found[node.name] = {
                item.name: item
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            }
    return found


def test_stubs_cover_runtime_classes() -> None:
    runtime = classes(PACKAGE / "_generated.py")
    stubs = classes(PACKAGE / "_generated.pyi")

    runtime.pop("_Namespace")
    for name, methods in runtime.items():
        assert name in stubs, name
        public = {method for method in methods if not method.startswith("_")}
        assert public <= set(stubs[name]), (name, public - set(stubs[name]))


def test_parameter_names_are_identifiers() -> None:
    for methods in classes(PACKAGE / "_generated.py").values():
        for method in methods.values():
            arguments = method.args
            for argument in arguments.args + arguments.kwonlyargs:
                assert argument.arg.isidentifier()
                assert not keyword.iskeyword(argument.arg)


def test_both_clients_have_every_namespace(client: uspacy.Client) -> None:
    sync_names = set(vars(_generated.ClientNamespaces(None)))
    async_names = set(vars(_generated.AsyncClientNamespaces(None)))

    assert sync_names == async_names
    assert {"crm", "tasks", "messenger", "files", "users"} <= sync_names
    for name in sync_names:
        assert hasattr(client, name)
