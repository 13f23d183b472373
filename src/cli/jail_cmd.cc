// jail(8): written next.
