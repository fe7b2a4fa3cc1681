a { b = 1 }
c "l" { d = [1, 2] }
e x y z { f = { g = 1 } }
h {}
