"""What goes out: the delivery engine (engine.py) and the registry of the callbacks' composers
(composers.py)."""
