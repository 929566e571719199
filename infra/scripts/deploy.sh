#!/usr/bin/env bash
# Deploys Switchboard into the AWS account your credentials name, and sets up the first
# contractor: the README's deploy section as one command. Needs the AWS CLI, the SAM CLI and
# cargo-lambda; run from the repository root.
#
#   infra/scripts/deploy.sh STACK MAIL_FROM SLUG "Business name" "Owner name" owner@example.com [TIME_ZONE] [CURRENCY]
#
# Safe to run again: the signing key is made only when its secret is still empty, and a
# contractor whose slug exists is left alone.
set -euo pipefail
[ $# -ge 6 ] || { sed -n '2,9p' "$0"; exit 2; }
stack=$1 mail_from=$2 slug=$3 name=$4 owner_name=$5 owner_email=$6 zone=${7:-America/Chicago} currency=${8:-USD}
output() { aws cloudformation describe-stacks --stack-name "$stack" --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text; }

key_dir=$(mktemp -d)
trap 'rm -rf "$key_dir"' EXIT
existing_jwks=""
if aws cloudformation describe-stacks --stack-name "$stack" >/dev/null 2>&1; then
  existing_jwks=$(aws cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Parameters[?ParameterKey=='AuthPublicKeys'].ParameterValue" --output text)
fi
if [ -z "$existing_jwks" ] || [ "$existing_jwks" = "None" ]; then
  # 1. A signing key: its public half goes into the stack, the key file into the secret below.
  cargo run -q -p portal-local -- keygen > "$key_dir/keygen.txt"
  sed -n '2p' "$key_dir/keygen.txt" > "$key_dir/key.json"
  jwks=$(sed -n '5p' "$key_dir/keygen.txt")
else
  jwks=$existing_jwks
fi

# 2. Build and deploy (SES must have MAIL_FROM verified to send).
sam build
sam deploy --stack-name "$stack" --resolve-s3 --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset \
  --parameter-overrides "MailFrom=$mail_from" "AuthPublicKeys=$jwks"

# 3. The signing key into its secret (only a new one).
if [ -s "$key_dir/key.json" ]; then
  aws secretsmanager put-secret-value --secret-id "$(output SigningKeySecret)" --secret-string "file://$key_dir/key.json" >/dev/null
fi

# 4. The portal and its config.json.
make web
site=$(output SiteBucketName)
aws s3 sync web/dist "s3://$site" --delete --exclude config.json
printf '{"tenant":"%s"}' "$slug" | aws s3 cp - "s3://$site/config.json" --content-type application/json

# 5. The contractor and its owner (prints the owner's first sign-in link).
cargo run -q -p portal-local -- create-contractor --table "$(output TableName)" --portal-url "$(output PortalUrl)" \
  --slug "$slug" --name "$name" --owner-name "$owner_name" --owner-email "$owner_email" --time-zone "$zone" --currency "$currency" \
  || echo "(the contractor was not created; see above — an existing slug is left as it is)"

echo "Next: Stripe. Add a webhook endpoint $(output PortalUrl)/api/stripe/webhook/<tenant id> and put its signing secret"
echo "in $(output StripeWebhookSecretArn), and your Stripe secret key in $(output StripeSecretKeyArn)."
