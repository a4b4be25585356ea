from chalicelib.auth.passwords import verify_password
from chalicelib.store import tenants
from local.seed import seed_demo


def test_demo_tenant_is_created_once_and_its_generated_password_kept(aws, tmp_path):
    first = seed_demo("site_demo", "admin", None, tmp_path)
    assert first.created and first.admin_password
    admin = tenants.find_agent_item("admin")
    assert admin.role == "admin" and admin.site_ids == ["site_demo"]
    assert verify_password(admin.password_hash, first.admin_password)
    assert admin.password_hash != first.admin_password
    again = seed_demo("site_demo", "admin", None, tmp_path)
    assert not again.created and again.admin_password == first.admin_password
    assert tenants.get_site("site_demo") is not None


def test_a_configured_password_is_used_and_not_written_to_disk(aws, tmp_path):
    demo = seed_demo("site_x", "owner", "correct horse battery", tmp_path)
    assert verify_password(tenants.find_agent_item("owner").password_hash, "correct horse battery")
    assert demo.admin_password == "correct horse battery"
    assert not (tmp_path / "demo-admin-password").exists()


def test_the_demo_pages_host_joins_the_widget_domains_once_and_keeps_the_others(aws, tmp_path):
    seed_demo("site_demo", "admin", None, tmp_path, widget_origin="http://127.0.0.1:8001")
    site = tenants.get_site("site_demo")
    assert site.widget_config["domains"] == ["127.0.0.1"]  # a host pattern, as seed 003 validates them
    assert site.widget_config["button_text"]  # the demo widget's look (seed 003's fields)
    tenants.update_site("site_demo", {"widget_config": {**site.widget_config, "domains": ["127.0.0.1", "shop.example"]}})
    seed_demo("site_demo", "admin", None, tmp_path, widget_origin="http://127.0.0.1:8001")  # a restart
    seed_demo("site_demo", "admin", None, tmp_path, widget_origin="http://127.0.0.1:9001")  # DEMO_PORT=9001
    assert tenants.get_site("site_demo").widget_config["domains"] == ["127.0.0.1", "shop.example"]
