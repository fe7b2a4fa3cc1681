# Bodies: attributes, blocks with identifier and string labels, one-line blocks, comments.
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

provider "aws" {
  region = "eu-west-1" // trailing comment
  /* a block comment */
  default_tags { tags = { Project = "xc" } }
}

resource "aws_vpc" main {
  cidr_block = "10.0.0.0/16"

  lifecycle { prevent_destroy = true }
  empty {}
}

locals {}
module "m" {
  source = "./m"
}
