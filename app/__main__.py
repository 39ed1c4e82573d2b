"""``python -m app`` is ``menbe``."""

from app.cli import main

raise SystemExit(main())
