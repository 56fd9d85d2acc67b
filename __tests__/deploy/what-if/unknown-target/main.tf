# The deny-root SCP attached to a target that comes from somewhere the plan cannot see into until apply: the
# answer is "cannot tell", naming the attribute, and the change must not pass.
variable "root_id" { type = string }
variable "ou_id" { type = string }

resource "terraform_data" "target" {
  input = var.ou_id
}

resource "aws_organizations_policy" "deny_root" {
  name = "DenyRootUser"
  type = "SERVICE_CONTROL_POLICY"
  content = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "DenyRootUser", Effect = "Deny", Action = "*", Resource = "*", Condition = { ArnLike = { "aws:PrincipalArn" = "arn:aws:iam::*:root" } } }]
  })
}

resource "aws_organizations_policy_attachment" "computed" {
  policy_id = aws_organizations_policy.deny_root.id
  target_id = terraform_data.target.output
}
