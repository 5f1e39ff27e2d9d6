"""Benchmarks: a generated archive built with this project and with vanilla Pelican (see run.py)."""
