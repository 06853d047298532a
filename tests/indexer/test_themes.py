"""The themes file is resolved in one place, and the sample ships inside the package."""

from __future__ import annotations

import tomllib
from pathlib import Path

import indexer
from indexer.themes import SAMPLE, load_themes, resolve_themes_file

ROOT = Path(__file__).parents[2]
ONE_THEME = '[[theme]]\nvalue = "logement"\nlabel = "Logement"\ndescriptors = ["Logement"]\n'


def test_the_sample_is_package_data() -> None:
    """An installed (not editable) docbase has no records/ folder: the sample lives in the
    package and pyproject.toml ships its *.toml files."""
    assert SAMPLE.parent == Path(indexer.__file__).parent and SAMPLE.is_file()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert "*.toml" in pyproject["tool"]["setuptools"]["package-data"]["*"]
    assert len(load_themes(SAMPLE)) >= 5


def test_resolution_order(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    assert resolve_themes_file(None, instance) == SAMPLE
    assert resolve_themes_file(tmp_path / "missing.toml", instance) == SAMPLE
    (instance / "themes.toml").write_text(ONE_THEME, "utf-8")
    assert resolve_themes_file(None, instance) == instance / "themes.toml"
    chosen = tmp_path / "chosen.toml"
    chosen.write_text(ONE_THEME.replace("Logement", "Habitat"), "utf-8")
    assert resolve_themes_file(chosen, instance) == chosen
    assert resolve_themes_file() == SAMPLE


def test_the_app_resolves_once_and_the_searcher_uses_it(tmp_path: Path) -> None:
    """The instance's themes win even when the index lives elsewhere (INDEX_DIR)."""
    from web import create_app
    from web.searching import close_searcher, get_searcher

    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "themes.toml").write_text(ONE_THEME, "utf-8")
    app = create_app(
        {"TESTING": True, "INSTANCE": str(instance), "INDEX_DIR": str(tmp_path / "elsewhere")}
    )
    assert app.config["THEMES_FILE"] == str(instance / "themes.toml")
    with app.test_request_context("/"):
        searcher = get_searcher()
        assert searcher.themes_file == instance / "themes.toml"
        assert [t["label"] for t in searcher.themes()] == ["Logement"]
    close_searcher(app)
    plain = create_app({"TESTING": True, "INSTANCE": str(tmp_path / "other")})
    assert plain.config["THEMES_FILE"] == str(SAMPLE)
