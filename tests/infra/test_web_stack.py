"""The browser apps' stack (infra/web_stack.py): private bucket behind CloudFront, /api/* to the REST API,
the files of web/ deployed (not the local demo page), and cfn-lint clean. Synthesized with the API's stack."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

# CDK's own custom resources (auto-delete, bucket deployment) declare a DependsOn their GetAtt implies; the
# snippet output reads the WebSocket API's id exported by the API's stack.
KNOWN_WARNINGS = {"W3005", "W6001"}


def web_template(fixture):
    _, path = fixture
    web = path.parent / path.name.replace("parley-", "parley-web-", 1)
    return json.loads(web.read_text()), web


def of_type(template, kind):
    return [r for r in template["Resources"].values() if r["Type"] == kind]


def test_the_bucket_is_private_and_read_by_cloudfront_only(dev):
    template, _ = web_template(dev)
    [bucket] = of_type(template, "AWS::S3::Bucket")
    assert bucket["Properties"]["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert "WebsiteConfiguration" not in bucket["Properties"]
    [policy] = of_type(template, "AWS::S3::BucketPolicy")
    readers = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"
               and "s3:GetObject" in json.dumps(s["Action"])]
    assert readers and all(s["Principal"] == {"Service": "cloudfront.amazonaws.com"} for s in readers)


def test_the_distribution_serves_the_files_and_passes_api_calls_with_their_preflights(dev):
    template, _ = web_template(dev)
    [distribution] = of_type(template, "AWS::CloudFront::Distribution")
    config = distribution["Properties"]["DistributionConfig"]
    default = config["DefaultCacheBehavior"]
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    assert default["FunctionAssociations"][0]["EventType"] == "viewer-request"  # /console/ -> index.html
    [api] = config["CacheBehaviors"]
    assert api["PathPattern"] == "/api/*" and "OPTIONS" in api["AllowedMethods"]
    origin = next(o for o in config["Origins"] if o["Id"] == api["TargetOriginId"])
    assert ".execute-api." in json.dumps(origin["DomainName"]) and origin["OriginPath"] == "/dev"


def test_the_deployed_files_are_the_widget_and_the_console_not_the_demo_page(dev):
    template, web = web_template(dev)
    [deployment] = of_type(template, "Custom::CDKBucketDeployment")
    assert deployment["Properties"]["DistributionPaths"] == ["/*"]  # a deploy clears CloudFront's cache
    assets = [p for p in web.parent.glob("asset.*") if (p / "widget" / "parley.js").is_file()]
    assert len(assets) == 1, assets
    assert (assets[0] / "console" / "index.html").is_file() and not (assets[0] / "demo").exists()
    outputs = json.dumps(template["Outputs"])
    assert "/console/" in outputs and "/widget/parley.js" in outputs and "data-ws" in outputs


def test_prod_keeps_its_bucket(prod):
    template, _ = web_template(prod)
    [bucket] = [r for r in template["Resources"].values() if r["Type"] == "AWS::S3::Bucket"]
    assert bucket["DeletionPolicy"] == "Retain"


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_cfn_lint_passes_on_the_web_stack(stage, request):
    _, web = web_template(request.getfixturevalue(stage))
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run([str(cfn_lint), "--format", "parseable", str(web)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode & 3 == 0, result.stdout[-4000:] + result.stderr[-2000:]
    unexpected = [line for line in result.stdout.splitlines() if line.strip() and line.split(":")[5] not in KNOWN_WARNINGS]
    assert not unexpected, result.stdout
