a = "  left   ${~ x ~}   right  "

c = "${x~}    "
d = "    ${~x}"
b = "%{ if c ~}  yes  %{~ else ~}  no  %{~ endif ~}"
