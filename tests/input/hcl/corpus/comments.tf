# hash
// slashes
/* block */ a = 1
b = 2 # after
c = 3 // after
d = [ # inside
  1, // inside
  /* inside */ 2,
]
/*
multi
line
*/
e {
  # only a comment
}
