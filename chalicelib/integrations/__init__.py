"""Outside services: SQS, S3, Bedrock, outbound HTTP."""
