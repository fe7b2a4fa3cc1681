a = 1 + 2 * 3 - 4 / 5 % 6
b = a == b && c != d || !e
c = x > 1 ? "big" : x < -1 ? "small" : "zero"
d = (1 + 2) * 3
e = -x + -1
f = a >= b && a <= c
g = !!true
h = var.enabled ? 1 : 0
i = a ? b ? c : d : e
j = (
  1 +
  2
)
