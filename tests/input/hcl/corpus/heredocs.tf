policy = <<EOT
{
  "Version": "2012-10-17",
  "Resource": "${aws_api_gateway_rest_api.api.execution_arn}/*"
}
EOT
flush = <<-EOT
    first
      indented ${var.x}
    last
    EOT
blank_lines = <<-EOT

      a

    b
  EOT
indented_marker = <<EOT
text
    EOT
directives = <<EOT
%{ for s in var.subnets ~}
subnet ${s}
%{ endfor ~}
EOT
escape = <<EOT
$${literal} %%{literal} \n stays
EOT
