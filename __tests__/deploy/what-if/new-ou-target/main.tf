# The deny-root SCP without the exemption, attached to an OU the same plan creates (its id is known only after
# apply, but the plan says which resource makes it), into which the plan moves no account: nothing breaks.
variable "root_id" { type = string }
variable "ou_id" { type = string }

resource "aws_organizations_organizational_unit" "sandbox" {
  name      = "Sandbox"
  parent_id = var.root_id
}

resource "aws_organizations_policy" "deny_root" {
  name = "DenyRootUser"
  type = "SERVICE_CONTROL_POLICY"
  content = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "DenyRootUser", Effect = "Deny", Action = "*", Resource = "*", Condition = { ArnLike = { "aws:PrincipalArn" = "arn:aws:iam::*:root" } } }]
  })
}

resource "aws_organizations_policy_attachment" "sandbox" {
  policy_id = aws_organizations_policy.deny_root.id
  target_id = aws_organizations_organizational_unit.sandbox.id
}
