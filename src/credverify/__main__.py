"""``python -m credverify``: the same command line as ``credverify``."""

from credverify.cli import main

main()
