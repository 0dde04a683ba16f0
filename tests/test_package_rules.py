"""Rules for the shape of the code base (see STYLE.md's one-way flow)."""

import subprocess
import sys
from pathlib import Path


def test_import_calc_pulls_in_no_ui_library():
    """``calc`` stays pure: importing all of it loads neither streamlit nor altair."""
    code = (
        "import pkgutil, importlib, sys, calc\n"
        "for m in pkgutil.walk_packages(calc.__path__, 'calc.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in {'streamlit', 'altair'})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_ci_runs_the_readme_test_command():
    """.ci/run ends with the README's second command, word for word."""
    root = Path(__file__).parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8").splitlines()
    block = readme[readme.index("```bash") + 1 : readme.index("```bash") + 3]
    ci = (root / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert len(block) == 2
    assert ci[-1] == block[1]


def test_code_is_ruff_clean():
    """Lint and format rules (pyproject.toml) hold for the whole tree."""
    root = Path(__file__).parents[1]
    for args in (["check", "--quiet", "."], ["format", "--check", "--quiet", "."]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *args], cwd=root, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr
