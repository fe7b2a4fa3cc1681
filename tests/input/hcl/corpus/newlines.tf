a = [

  1,

  2

]
b = f(

  1
)
c = {

  d = 1

}
e = var.x[
  0
]
