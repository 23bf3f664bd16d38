"""aftale: strategic cooperation agreements for Landsbyggefonden's social-housing programmes."""

__version__ = "0.1.0"
