from daiban.org.roles import Role


def roles(request) -> dict:
    user = getattr(request, "user", None)
    held = user.roles if user is not None and user.is_authenticated else frozenset()
    return {"my_roles": held, "Role": Role,
            "my_role_labels": [Role(r).label for r in sorted(held)]}
