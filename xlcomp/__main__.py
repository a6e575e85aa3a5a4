"""``python -m xlcomp`` runs the command line."""

from xlcomp.cli import main

raise SystemExit(main())
