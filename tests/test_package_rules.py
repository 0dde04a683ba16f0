"""Rules for the shape of the code base (see STYLE.md's one-way flow)."""

import subprocess
import sys


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
