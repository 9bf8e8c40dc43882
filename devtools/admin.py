"""Operator's command line for a real deployment (AWS credentials and region from the usual places).

    TABLE_PREFIX=sp4n-lapor-prod- python -m devtools.admin seed-directory
    TABLE_PREFIX=sp4n-lapor-prod- python -m devtools.admin issue-key --role national_admin --agency kemenpanrb
    TABLE_PREFIX=sp4n-lapor-prod- python -m devtools.admin revoke-key 1a2b3c4d
    TABLE_PREFIX=sp4n-lapor-prod- python -m devtools.admin redrive-notification LPR-XXXX-XXXX <notification id>
    STAGE=prod TABLE_PREFIX=sp4n-lapor-prod- USER_POOL_ID=… USER_POOL_CLIENT_ID=… \
        python -m devtools.admin create-user --email admin@menpan.go.id --name "Admin Nasional" \
        --role national_admin --agency kemenpanrb

The key is printed once; only its hash is stored. A new account's temporary password is e-mailed by
Cognito (docs/staff-accounts.md).
"""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    from chalicelib.domain.names import KEY_ROLES, STAFF_ROLES

    parser = argparse.ArgumentParser(prog="python -m devtools.admin", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    seed = commands.add_parser("seed-directory", help="national agency, ministries, 38 + 514 coordinators")
    seed.add_argument("--with-demo-units", action="store_true", help="also the demo OPD units and rules")
    issue = commands.add_parser("issue-key", help="issue a staff API key (printed once)")
    issue.add_argument("--role", required=True, choices=[role.value for role in KEY_ROLES])
    issue.add_argument("--agency", required=True)
    issue.add_argument("--label")
    revoke = commands.add_parser("revoke-key", help="revoke a key by its key_id")
    revoke.add_argument("key_id")
    user = commands.add_parser("create-user", help="a staff account (the first national admin); Cognito "
                                                   "e-mails its temporary password")
    user.add_argument("--email", required=True)
    user.add_argument("--name", required=True)
    user.add_argument("--role", required=True, choices=[role.value for role in STAFF_ROLES])
    user.add_argument("--agency", required=True)
    redrive = commands.add_parser("redrive-notification", help="deliver a dead-lettered notification again")
    redrive.add_argument("tracking_id")
    redrive.add_argument("notification_id")
    args = parser.parse_args(argv)

    from chalicelib.adapters import clock
    from chalicelib.errors import DomainError
    from chalicelib.services import keys, notify, users
    from chalicelib.services import seed as seeding

    try:
        if args.command == "seed-directory":
            result = seeding.seed(clock.now().isoformat(), demo=args.with_demo_units)
        elif args.command == "issue-key":
            result = keys.issue(args.role, args.agency, label=args.label)
        elif args.command == "create-user":
            result = users.create_account(args.email, args.name, args.role, args.agency, now=clock.now())
        elif args.command == "revoke-key":
            result = keys.revoke(args.key_id)
        else:
            notify.redrive(args.tracking_id, args.notification_id)
            result = {"redriven": args.notification_id}
    except DomainError as error:
        print(json.dumps(error.body()), file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
