"""Who may sign in and what they may read: a users file of salted scrypt hashes and one role each.

Roles: ``public`` reads Part 1 (published) documents only; ``councillor`` and ``officer`` also read Part 2
(exempt information under Schedule 12A). Any other role string is treated as ``public``: unknown means least access.

The file is JSON, ``{"users": {NAME: {"password_hash": "scrypt$n$r$p$SALT$HASH", "role": ROLE}}}``, written with
owner-only permissions. ``python -m assistant.users add NAME --role councillor`` prompts for the password.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.errors import ConfigError

ROLES = ("public", "councillor", "officer")
PART2_ROLES = frozenset({"councillor", "officer"})
DEFAULT_FILE = Path("users.json")
ENV_FILE = "ASSISTANT_USERS"
# scrypt cost: n=2**14, r=8, p=1 is the interactive-login setting (about 16 MB and tens of ms per check).
_N, _R, _P = 1 << 14, 8, 1
_MIN_PASSWORD = 8


def normalise_role(role: str | None) -> str:
    """The role as the retriever should apply it: a known role, else ``public`` (fail closed)."""
    value = (role or "").strip().lower()
    return value if value in ROLES else "public"


def can_read_part2(role: str | None) -> bool:
    """True for roles allowed to read exempt (Part 2) documents."""
    return normalise_role(role) in PART2_ROLES


def hash_password(password: str, salt: bytes | None = None) -> str:
    """A salted scrypt hash of ``password`` in ``scrypt$n$r$p$salt$hash`` form (base64 parts)."""
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.urlsafe_b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored`` (constant-time compare); malformed hashes never match."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        want = base64.urlsafe_b64decode(digest)
        got = hashlib.scrypt(
            password.encode(), salt=base64.urlsafe_b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(want)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


def users_file(path: str | Path | None = None) -> Path:
    """The users file: ``path``, else ``$ASSISTANT_USERS``, else ``users.json`` in the working folder."""
    return Path(path or os.environ.get(ENV_FILE) or DEFAULT_FILE)


def load_users(path: str | Path | None = None) -> dict[str, dict[str, str]]:
    """The users in the file (empty when there is none yet)."""
    file = users_file(path)
    if not file.exists():
        return {}
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        users = data["users"]
        if not isinstance(users, dict):
            raise TypeError("'users' is not a mapping")
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{file}: not a users file ({exc}); fix it or recreate it with `assistant.users add`") from None
    return users


def save_users(users: dict[str, dict[str, str]], path: str | Path | None = None) -> Path:
    """Write the users file atomically with owner-only permissions."""
    file = users_file(path)
    tmp = file.with_name(file.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"users": users}, fh, indent=2, sort_keys=True)
    os.replace(tmp, file)
    return file


def add_user(name: str, password: str, role: str, path: str | Path | None = None) -> None:
    """Add or replace ``name`` with a new password hash and ``role``."""
    if role not in ROLES:
        raise ConfigError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if not name.strip() or any(c.isspace() for c in name):
        raise ConfigError(f"user name {name!r} must be non-empty without spaces")
    if len(password) < _MIN_PASSWORD:
        raise ConfigError(f"the password must be at least {_MIN_PASSWORD} characters")
    users = load_users(path)
    users[name] = {"password_hash": hash_password(password), "role": role}
    save_users(users, path)


def verify(username: str, password: str, path: str | Path | None = None) -> str | None:
    """The user's role when ``password`` is right, else None (unknown users cost the same as wrong passwords)."""
    user = load_users(path).get(username)
    if not isinstance(user, dict):
        check_password(password, _DUMMY)  # same work either way: no user-name probing by timing
        return None
    if not check_password(password, str(user.get("password_hash", ""))):
        return None
    return normalise_role(user.get("role"))


_DUMMY = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m assistant.users add NAME --role ROLE | remove NAME | list``."""
    parser = argparse.ArgumentParser(prog="assistant.users", description="manage who may sign in to the UI")
    parser.add_argument("--file", type=Path, default=None, help=f"users file (default ${ENV_FILE} or users.json)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("add", help="add a user or reset their password and role (prompts for the password)")
    p.add_argument("name")
    p.add_argument("--role", choices=ROLES, default="public")
    p = sub.add_parser("remove", help="remove a user")
    p.add_argument("name")
    sub.add_parser("list", help="list users and roles")
    args = parser.parse_args(argv)
    try:
        if args.command == "add":
            password = getpass.getpass(f"password for {args.name}: ")
            if getpass.getpass("again: ") != password:
                raise ConfigError("the passwords differ; nothing changed")
            add_user(args.name, password, args.role, args.file)
            print(f"{args.name}: {args.role} (saved to {users_file(args.file)})")
        elif args.command == "remove":
            users = load_users(args.file)
            if users.pop(args.name, None) is None:
                raise ConfigError(f"no user {args.name!r} in {users_file(args.file)}")
            save_users(users, args.file)
        else:
            for name, user in sorted(load_users(args.file).items()):
                print(f"{name}\t{user.get('role')}")
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
