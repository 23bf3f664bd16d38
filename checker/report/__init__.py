"""Reporters: turn a Result into text for people or JSON for machines."""
