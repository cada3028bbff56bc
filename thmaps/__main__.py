"""``python -m thmaps`` is the ``thmaps`` command."""
from .cli import main

raise SystemExit(main())
