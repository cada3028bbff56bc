"""A new user's install: `pip install <checkout>` into a fresh venv outside the repository, then the flat API."""
from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_pip_install_into_a_fresh_venv_then_render_a_map(tmp_path, built_store):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    pip = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(ROOT)],
                         capture_output=True, text=True, timeout=1200)
    assert pip.returncode == 0, pip.stderr[-2000:]
    script = (
        "import thmaps, pathlib\n"
        "assert pathlib.Path(thmaps.__file__).is_relative_to(pathlib.Path(__import__('sys').prefix)), thmaps.__file__\n"
        "print(thmaps.__version__)\n"
        "html = thmaps.to_html(thmaps.prepare(thmaps.MapDescription('imd_decile', level='ward')))\n"
        "print(len(html), html.count('thmapsDecodeAreas('))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["THMAPS_STORE"] = str(built_store)
    run = subprocess.run([str(python), "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    version, sizes = run.stdout.split("\n")[:2]
    assert version == "0.5.0"
    size, decoders = (int(x) for x in sizes.split())
    assert size > 10_000 and decoders >= 2   # defined once, called once
    cli = subprocess.run([str(env_dir / "bin" / "thmaps"), "--version"], capture_output=True, text=True, env=env)
    assert cli.stdout.strip() == "thmaps 0.5.0"
    # `python -m thmaps` is the same command.
    same = subprocess.run([str(python), "-m", "thmaps", "--version"], capture_output=True, text=True, env=env)
    assert same.stdout == cli.stdout
    assert sys.version_info >= (3, 11)
