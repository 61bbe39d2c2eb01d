"""Citizen feedback (phản ánh, kiến nghị): intake from every channel, the handling workflow with deadlines,
and masking of reporters' contacts (docs/feedback.md)."""
