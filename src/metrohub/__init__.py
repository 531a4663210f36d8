"""Metrohub: the platform for industrial metrology test center programmes."""

__version__ = "0.1.0"
