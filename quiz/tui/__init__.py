"""The Textual app: screens and widgets over the session; no scheduling or SQL here."""
