a = [for s in var.list : upper(s)]
b = [for i, s in var.list : "${i}-${s}" if s != ""]
c = { for k, v in var.map : k => v }
d = { for k, v in var.map : v => k... }
e = { for s in var.list : s => length(s) if length(s) > 2 }
f = [
  for s in var.list :
  s
]
g = [for x in [for y in var.z : y] : x]
