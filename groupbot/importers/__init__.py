"""Files turned into domain rows: census CSV/XLSX and Telegram Desktop exports (services apply
them)."""
