"""Repère: deterministic answers on professional secrecy for social workers."""
