"""Dash pages: one module per page, plus the shell and shared components."""
