"""Tests of the offline sandbox Instagram network."""
