# Mock values for `terraform test` on emitted roots (tests/emit/tools/real_tools_test.cpp): the
# AWS provider validates ARNs it receives, and a mock provider makes up random strings for
# computed attributes, so every computed attribute the emitted code passes where the provider
# expects an ARN (or indexes, like an endpoint's network interfaces) gets a value of the right shape.
# The test appends the root's variables and the plan and apply runs.
mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::333333333333:role/mock"
    }
  }
  mock_resource "aws_iam_instance_profile" {
    defaults = {
      arn = "arn:aws:iam::333333333333:instance-profile/mock"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn           = "arn:aws:lambda:eu-central-1:333333333333:function:mock"
      qualified_arn = "arn:aws:lambda:eu-central-1:333333333333:function:mock:1"
      invoke_arn    = "arn:aws:apigateway:eu-central-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-central-1:333333333333:function:mock/invocations"
    }
  }
  mock_resource "aws_api_gateway_rest_api" {
    defaults = {
      arn           = "arn:aws:apigateway:eu-central-1::/restapis/mock123456"
      execution_arn = "arn:aws:execute-api:eu-central-1:333333333333:mock123456"
    }
  }
  mock_resource "aws_api_gateway_domain_name" {
    defaults = {
      arn = "arn:aws:apigateway:eu-central-1:333333333333:/domainnames/mock.example.com+abc123"
    }
  }
  mock_resource "aws_api_gateway_stage" {
    defaults = {
      arn           = "arn:aws:apigateway:eu-central-1::/restapis/mock123456/stages/v1"
      execution_arn = "arn:aws:execute-api:eu-central-1:333333333333:mock123456/v1"
    }
  }
  mock_resource "aws_lb" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/app/mock/0123456789abcdef"
    }
  }
  mock_resource "aws_lb_target_group" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:eu-central-1:111111111111:targetgroup/mock/0123456789abcdef"
    }
  }
  mock_resource "aws_lb_listener" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:eu-central-1:111111111111:listener/app/mock/0123456789abcdef/0123456789abcdef"
    }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = {
      arn = "arn:aws:secretsmanager:eu-central-1:111111111111:secret:mock-AbCdEf"
    }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:eu-central-1:111111111111:key/00000000-0000-0000-0000-000000000000"
    }
  }
  mock_resource "aws_ram_resource_share" {
    defaults = {
      arn = "arn:aws:ram:eu-central-1:111111111111:resource-share/00000000-0000-0000-0000-000000000000"
    }
  }
  mock_resource "aws_vpc_endpoint" {
    defaults = {
      arn                   = "arn:aws:ec2:eu-central-1:111111111111:vpc-endpoint/vpce-0123456789abcdef0"
      network_interface_ids = ["eni-00000000000000001", "eni-00000000000000002"]
    }
  }
  mock_resource "aws_route53_zone" {
    defaults = {
      arn = "arn:aws:route53:::hostedzone/Z0000000000000000000"
    }
  }
  mock_data "aws_ram_resource_share" {
    defaults = {
      arn           = "arn:aws:ram:eu-central-1:111111111111:resource-share/00000000-0000-0000-0000-000000000000"
      resource_arns = ["arn:aws:apigateway:eu-central-1:333333333333:/domainnames/mock.example.com+abc123"]
    }
  }
  mock_data "aws_network_interface" {
    defaults = {
      private_ip = "10.0.1.10"
    }
  }
}
