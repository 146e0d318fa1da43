"""The synthetic district that `groupbot demo` builds (a census of grassroots work groups)."""
