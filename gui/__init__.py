"""QueueScope's window. The only package that imports Qt."""
