"""Names over strings (domain/names.py): the staff roles are spelled once, and the enums keep the
stored and JSON values they always had."""

import ast
import json
from pathlib import Path

from chalicelib.domain.names import STAFF_ROLES, Audience, Delivery, Role

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*ROOT.glob("chalicelib/**/*.py"), *ROOT.glob("devtools/**/*.py"), *ROOT.glob("deploy/**/*.py"),
           ROOT / "app.py"]
# The participation helper (issue 16) moves these files to the enums; take them off this list then.
NOT_YET = {"chalicelib/handlers/participation.py", "chalicelib/services/participation.py",
           "chalicelib/web/participation.py", "chalicelib/services/evaluation.py", "chalicelib/services/nudges.py"}
ROLE_VALUES = {role.value for role in STAFF_ROLES}


def role_literals(path: Path) -> list[str]:
    """``"officer"``-style string constants in the code (a sentence that mentions a role is not one)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and node.value in ROLE_VALUES]


def test_the_check_finds_a_role_typed_as_a_string():
    typed = ROOT / "chalicelib" / "domain" / "names.py"  # the one place the strings are written
    assert len(role_literals(typed)) == len(STAFF_ROLES)


def test_no_staff_role_is_typed_as_a_string_outside_names_py():
    checked = [path for path in SOURCES if path.exists() and str(path.relative_to(ROOT)) not in NOT_YET
               and path.name != "names.py"]
    assert len(checked) > 100  # the globs found the code
    found = [line for path in checked for line in role_literals(path)]
    assert found == [], "use chalicelib.domain.names.Role instead of:\n" + "\n".join(found)


def test_the_enums_are_their_stored_strings():
    # Given members of each enum, when they are compared, formatted or written as JSON,
    # then they are exactly the strings stored in DynamoDB, Cognito groups and API answers
    assert Role.NATIONAL_ADMIN == "national_admin" and f"role_{Role.OFFICER}" == "role_officer"
    assert json.dumps({Role.COORDINATOR: [Audience.PUBLIC, Delivery.DEAD_LETTERED]}) == \
        '{"coordinator": ["public", "dead_lettered"]}'
    assert {Role.OFFICER: 1}["officer"] == 1 and "staff" in {Audience.STAFF}
