"""``python -m tta_codegen`` runs the CLI."""

from tta_codegen.cli import main

main()
