a = length(var.list)
b = merge(var.a, var.b)
c = concat(var.lists...)
d = format(
  "%s-%s",
  var.a,
  var.b,
)
e = provider::aws::arn_parse(var.arn)
f = jsonencode({
  Version = "2012-10-17"
  Statement = [{ Effect = "Allow", Action = "execute-api:Invoke" }]
})
g = try(var.x.y, null)
h = f()
