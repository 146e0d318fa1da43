"""The digest rendered for people: text, a self-contained HTML page, a CSV table, a chart."""
