"""Scenarios: the CLV inputs saved under names, compared against a pinned baseline."""

from ui import chrome, scenarios_view

cur = chrome.page("scenarios")
scenarios_view.main(cur)
