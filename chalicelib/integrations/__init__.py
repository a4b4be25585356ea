"""Outside services: SQS, S3, Bedrock, the WebSocket sender, outbound HTTP.

AWS clients are made in chalicelib/clients.py only; each service's module passes its own botocore Config.
"""
