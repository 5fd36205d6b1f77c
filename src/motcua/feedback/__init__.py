"""Feedback and petitions (PAKN), Open311."""
