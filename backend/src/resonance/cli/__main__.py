"""`python -m resonance.cli …`: the same command line as `resonance …`."""

from resonance.cli import main

main()
