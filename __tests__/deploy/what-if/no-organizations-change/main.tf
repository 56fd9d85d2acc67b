# A plan that touches no Organizations resource: answered without reading AWS.
variable "root_id" { type = string }
variable "ou_id" { type = string }

resource "terraform_data" "unrelated" {
  input = "nothing to do with SCPs"
}
