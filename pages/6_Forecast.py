"""Forecast: retention curves and per-customer value from the probabilistic models."""

from ui import chrome

chrome.page("forecast")
