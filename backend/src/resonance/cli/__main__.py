"""`python -m resonance.cli …`: the same command line as `resonance …`."""

from resonance.cli import main

# Guarded: worker processes (spawn, forkserver) import the main module again.
if __name__ == "__main__":
    main()
