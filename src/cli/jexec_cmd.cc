// jexec(8): written next.
