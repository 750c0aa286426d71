"""Static checks of the addons' manifests and XML files, for Odoo 18.0.

Odoo 17 removed the ``attrs`` and ``states`` view attributes (replaced by
Python expressions in ``invisible``, ``readonly`` and ``required``) and
Odoo 18 renamed the ``tree`` view type to ``list``. Odoo reports such leftovers
only when the view is loaded, and the tests of an addon may never load some
of them; these checks read every file instead.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from lxml import etree

ADDONS_DIR = Path(__file__).resolve().parent.parent / "addons"
# Where the addons keep XML that Odoo loads: views, wizards, reports, data.
XML_DIRS = ("views", "wizard", "wizards", "report", "reports", "data", "demo", "security")
# Of those, the folders whose every XML or CSV file must be loaded by the manifest.
LOADED_DIRS = ("views", "wizard", "wizards", "report", "reports", "security")
FORBIDDEN_ATTRIBUTES = ("attrs", "states")
VERSION = re.compile(r"^18\.0\.\d+\.\d+\.\d+$")
LICENSE = "LGPL-3"
# The SPM addons and (some of) what each must depend on.
REQUIRED_DEPENDS = {
    "spm_quota": {"sale_management"},
    "spm_credit": {"spm_quota", "account"},
    "spm_portal": {"spm_credit", "portal"},
}
# ir.asset directives (odoo/addons/base/models/ir_asset.py) and where their
# file path is in the tuple; "include" names a bundle, not a file.
ASSET_PATH_INDEX = {"append": 1, "prepend": 1, "remove": 1, "after": 2, "before": 2, "replace": 2}

PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def _addons() -> list[Path]:
    return sorted(p.parent for p in ADDONS_DIR.glob("*/__manifest__.py"))


def _xml_files() -> list[Path]:
    return sorted(
        {path for addon in _addons() for folder in XML_DIRS for path in (addon / folder).rglob("*.xml")}
    )


def _rel(path: Path) -> str:
    return path.relative_to(ADDONS_DIR).as_posix()


def _manifest(addon: Path) -> dict:
    source = (addon / "__manifest__.py").read_text(encoding="utf-8")
    manifest = ast.literal_eval(source)
    assert isinstance(manifest, dict), f"{addon.name}/__manifest__.py is not a dict literal"
    return manifest


def _asset_paths(bundle: str, entries) -> list[str]:
    """The file paths or globs that one assets bundle of a manifest names."""
    paths = []
    for entry in entries:
        if isinstance(entry, str):
            paths.append(entry)
            continue
        assert isinstance(entry, (list, tuple)) and entry, f"assets[{bundle!r}]: bad entry {entry!r}"
        directive = entry[0]
        if directive == "include":
            continue
        assert directive in ASSET_PATH_INDEX, f"assets[{bundle!r}]: unknown directive {directive!r}"
        index = ASSET_PATH_INDEX[directive]
        assert len(entry) == index + 1, f"assets[{bundle!r}]: {entry!r} needs {index + 1} items"
        paths.append(entry[index])
    return paths


def test_the_spm_addons_exist():
    present = {addon.name for addon in _addons()}
    missing = [name for name in REQUIRED_DEPENDS if name not in present]
    assert not missing, f"addons without a __manifest__.py under {ADDONS_DIR}: {missing}"


@pytest.mark.parametrize("path", _xml_files(), ids=_rel)
def test_xml_file_uses_odoo_18_syntax(path: Path):
    try:
        root = etree.parse(str(path), PARSER).getroot()
    except etree.XMLSyntaxError as exc:
        pytest.fail(f"{_rel(path)} is not well-formed XML: {exc}")
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):  # comments, processing instructions
            continue
        where = f"{_rel(path)}:{element.sourceline}"
        problems += [
            f"{where}: <{element.tag} {name}=...> (removed in Odoo 17: use invisible/readonly/required)"
            for name in FORBIDDEN_ATTRIBUTES
            if name in element.attrib
        ]
        if element.tag == "tree":
            problems.append(f"{where}: <tree> (renamed <list> in Odoo 18)")
        if element.tag == "field" and element.get("name") == "view_mode" and element.text:
            modes = [mode.strip() for mode in element.text.split(",")]
            if "tree" in modes:
                problems.append(f"{where}: view_mode {','.join(modes)!r} ('tree' is 'list' in Odoo 18)")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("addon", _addons(), ids=lambda p: p.name)
def test_manifest(addon: Path):
    try:
        manifest = _manifest(addon)
    except (SyntaxError, ValueError) as exc:
        pytest.fail(f"{addon.name}/__manifest__.py is not a Python literal: {exc}")
    version = manifest.get("version", "")
    assert VERSION.match(version), f"{addon.name}: version {version!r} is not 18.0.x.y.z"
    assert manifest.get("license") == LICENSE, f"{addon.name}: license {manifest.get('license')!r}"
    assert manifest.get("name"), f"{addon.name}: no name"
    assert manifest.get("installable", True), f"{addon.name}: not installable"
    assert isinstance(manifest.get("depends", []), list), f"{addon.name}: depends is not a list"

    missing = []
    for key in ("data", "demo"):
        missing += [f"{key}: {name}" for name in manifest.get(key, []) if not (addon / name).is_file()]
    for bundle, entries in manifest.get("assets", {}).items():
        for pattern in _asset_paths(bundle, entries):
            # Assets are named from the addons folder; only this repository's are checked.
            if pattern.startswith(("http://", "https://", "//")) or pattern.split("/")[0] not in {
                a.name for a in _addons()
            }:
                continue
            if not any(p.is_file() for p in ADDONS_DIR.glob(pattern)):
                missing.append(f"assets[{bundle!r}]: {pattern}")
    assert not missing, f"{addon.name}: files listed in the manifest do not exist:\n" + "\n".join(missing)


@pytest.mark.parametrize("addon", _addons(), ids=lambda p: p.name)
def test_every_view_and_security_file_is_loaded(addon: Path):
    """A view, wizard, report or security file left out of the manifest is
    silently never loaded."""
    manifest = _manifest(addon)
    listed = {Path(name).as_posix() for key in ("data", "demo") for name in manifest.get(key, [])}
    files = {
        path.relative_to(addon).as_posix()
        for folder in LOADED_DIRS
        for path in (addon / folder).rglob("*")
        if path.suffix in (".xml", ".csv")
    }
    unlisted = sorted(files - listed)
    assert not unlisted, f"{addon.name}: not in the manifest's data or demo: {unlisted}"


@pytest.mark.parametrize("name", sorted(REQUIRED_DEPENDS))
def test_dependencies(name: str):
    addon = ADDONS_DIR / name
    assert (addon / "__manifest__.py").is_file(), f"{name} does not exist"
    depends = set(_manifest(addon).get("depends", []))
    missing = REQUIRED_DEPENDS[name] - depends
    assert not missing, f"{name} must depend on {sorted(missing)} (it depends on {sorted(depends)})"
