"""groupbot: keeps an inventory of work groups and cuts overlapping chats."""

__version__ = "0.1.0"
