# Planned after deny-root-without-exemption was applied: the same SCP, updated in place with the exemption for
# central root sessions.
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
      Condition = {
        ArnLike = { "aws:PrincipalArn" = "arn:aws:iam::*:root" }
        Null    = { "aws:AssumedRoot" = "true" }
      }
    }]
  })
}

resource "aws_organizations_policy_attachment" "workloads" {
  policy_id = aws_organizations_policy.deny_root.id
  target_id = var.ou_id
}
