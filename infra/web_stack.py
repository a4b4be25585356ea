"""The browser apps (`web/`: the chat widget and the agent console) on S3 behind CloudFront (issue 20).

A stack of its own beside the API's: one private bucket (CloudFront reads it through
origin access control), one distribution that serves the files and passes `/api/*` to
the REST API (so the console calls the API on its own origin), and the files deployed
with the distribution's cache cleared. The demo host page (`web/demo/`) is local only.
The WebSocket API keeps its own endpoint: `console/config.json` tells the console, and the
widget's embed snippet (an output) carries it as `data-ws`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

WEB_ROOT = Path(__file__).resolve().parent.parent / "web"
# `/console/` is `console/index.html` in the bucket: S3 behind OAC has no index documents.
INDEX_REWRITE = """function handler(event) {
  var request = event.request;
  if (request.uri.endsWith("/")) { request.uri += "index.html"; }
  return request;
}"""


class ParleyWebStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, stage: str, rest_api_id: str, websocket_api_id: str,
                 **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        prod = stage == "prod"
        self.bucket = s3.Bucket(
            self, "WebBucket", block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED, enforce_ssl=True,
            removal_policy=RemovalPolicy.RETAIN if prod else RemovalPolicy.DESTROY, auto_delete_objects=not prod,
        )
        # Customers' pages load parley.js directly: minutes in caches, so a fix reaches them the same hour.
        short_cache = cloudfront.CachePolicy(
            self, "WebCache", default_ttl=Duration.minutes(5), max_ttl=Duration.hours(1), min_ttl=Duration.seconds(0),
            enable_accept_encoding_gzip=True, enable_accept_encoding_brotli=True,
        )
        rewrite = cloudfront.Function(self, "IndexRewrite", code=cloudfront.FunctionCode.from_inline(INDEX_REWRITE),
                                      runtime=cloudfront.FunctionRuntime.JS_2_0)
        api = origins.HttpOrigin(f"{rest_api_id}.execute-api.{self.region}.amazonaws.com", origin_path=f"/{stage}",
                                 protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY)
        self.distribution = cloudfront.Distribution(
            self, "WebDistribution", comment=f"Parley {stage}: chat widget and agent console",
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=short_cache, compress=True,
                function_associations=[cloudfront.FunctionAssociation(
                    function=rewrite, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST)],
            ),
            additional_behaviors={"/api/*": cloudfront.BehaviorOptions(
                origin=api, viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,  # OPTIONS too: the widget's preflights
                cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            )},
        )
        websocket_url = f"wss://{websocket_api_id}.execute-api.{self.region}.amazonaws.com/{stage}"
        s3deploy.BucketDeployment(
            self, "WebFiles", destination_bucket=self.bucket, distribution=self.distribution,
            distribution_paths=["/*"], memory_limit=256,
            sources=[s3deploy.Source.asset(str(WEB_ROOT), exclude=["demo", "demo/*"]),
                     s3deploy.Source.json_data("console/config.json", {"ws": websocket_url})],
        )
        domain = self.distribution.distribution_domain_name
        CfnOutput(self, "ConsoleUrl", value=f"https://{domain}/console/")
        CfnOutput(self, "WidgetSnippet", value=(f'<script src="https://{domain}/widget/parley.js" '
                                                f'data-ws="{websocket_url}" data-site-id="YOUR_SITE_ID" async></script>'))
