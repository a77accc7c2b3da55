"""What the GitHub Action at the repository root runs (`action.py`); standard library only."""
