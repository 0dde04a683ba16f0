"""Analyses of an order log, one module per concern."""
