// jls(8): written next.
