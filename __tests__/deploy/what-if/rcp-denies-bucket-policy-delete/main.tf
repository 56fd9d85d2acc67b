# An RCP that lets nobody outside the organization's principals delete bucket policies, attached to the root: it
# stops the S3UnlockBucketPolicy root task everywhere (a root session is the account's root user, and the RCP has
# no exemption for it).
variable "root_id" { type = string }
variable "ou_id" { type = string }

resource "aws_organizations_policy" "lock_bucket_policies" {
  name = "LockBucketPolicies"
  type = "RESOURCE_CONTROL_POLICY"
  content = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "NoBucketPolicyDeletes"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:DeleteBucketPolicy"
      Resource  = "*"
    }]
  })
}

resource "aws_organizations_policy_attachment" "root" {
  policy_id = aws_organizations_policy.lock_bucket_policies.id
  target_id = var.root_id
}
