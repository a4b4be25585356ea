"""Create a deployed stage's first site and its admin, from a machine with AWS credentials.

    PARLEY_DEPLOY_STAGE=prod AWS_REGION=eu-central-1 .venv/bin/python infra/create_admin.py \\
        --site-id acme --site-name "Acme support" --username alice --email alice@acme.example

The password is asked for (or read from PARLEY_ADMIN_PASSWORD). It talks to the stage's
`chats` table directly, as the app would; nothing else is needed. Run it once: an existing
username is refused, the site is reused if it exists.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-id", required=True)
    parser.add_argument("--site-name", required=True)
    parser.add_argument("--domain")
    parser.add_argument("--username", required=True)
    parser.add_argument("--email")
    args = parser.parse_args(argv)
    stage = os.environ.get("PARLEY_DEPLOY_STAGE", "dev")
    os.environ.setdefault("PARLEY_STAGE", stage)
    os.environ.setdefault("PARLEY_CHATS_TABLE", f"parley-{stage}-chats")
    os.environ.setdefault("PARLEY_CONNECTIONS_TABLE", f"parley-{stage}-connections")

    from chalicelib.domain import agents, sites
    from chalicelib.model.errors import DomainError
    from chalicelib.store import tenants

    password = os.environ.get("PARLEY_ADMIN_PASSWORD") or getpass.getpass(f"Password for {args.username}: ")
    if not sites.SITE_ID.match(args.site_id):
        print("site id: 3-64 lower-case letters, digits, '_' or '-'", file=sys.stderr)
        return 2
    tenants.create_site_if_absent(args.site_id, args.site_name, args.domain)
    try:
        agent = agents.new_agent(args.username, password, "admin", [args.site_id], email=args.email)
    except DomainError as error:
        print(f"not created: {error.message}", file=sys.stderr)
        return 1
    print(f"admin {agent.username} ({agent.agent_id}) created for site {args.site_id} "
          f"in {os.environ['PARLEY_CHATS_TABLE']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
