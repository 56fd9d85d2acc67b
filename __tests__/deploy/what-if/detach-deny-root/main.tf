# Planned after deny-root-without-exemption was applied: the same SCP, no longer attached to the Workloads OU.
variable "root_id" { type = string }
variable "ou_id" { type = string }

resource "aws_organizations_policy" "deny_root" {
  name = "DenyRootUser"
  type = "SERVICE_CONTROL_POLICY"
  content = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyRootUser"
      Effect    = "Deny"
      Action    = "*"
      Resource  = "*"
      Condition = { ArnLike = { "aws:PrincipalArn" = "arn:aws:iam::*:root" } }
    }]
  })
}
