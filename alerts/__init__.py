"""Alerts: routing events to departments, response obligations, notifications, escalation."""
