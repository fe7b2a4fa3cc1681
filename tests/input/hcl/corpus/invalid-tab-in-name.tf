a	b = 1
