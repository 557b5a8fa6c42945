"""Admin save hooks hold no domain logic: they only call services (issue 23.1).

Every admin registered on the site is read, with each of its parents that is
project code; a save hook it overrides (save_model, save_related, delete_model,
save_formset, delete_queryset) may only call a service (a function of a
`services` module), `super()`, or the few admin helpers that hand a form to a
service and show its notes. Anything else (a model's `.save()`, a loop over
bookings promoting them) fails here with the class and the call named.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import types

from django.contrib import admin

HOOKS = (
    "save_model",
    "save_related",
    "delete_model",
    "save_formset",
    "delete_queryset",
)

# The admin plumbing that passes a form's values to a service or shows what the
# service said (partyhub/admin_base.py, partyhub/updates.py).
HELPERS = {
    "formset_through_services",
    "show_notes",
    "stored",
    "form_changes",
    "message_user",
    "type",
    "message_of",
    # The request's user as a service's actor (partyhub/actors.py).
    "actor_of",
}

# Framework code, not domain logic, each with its reason. Nothing of an app.
FRAMEWORK = {
    # A shared record's many-to-many rows the officer's form never offered are
    # kept on saving (scoping, issue 16), for every model alike.
    "partyhub.scoping.ScopedAdminMixin.save_related",
}


def _is_service(value) -> bool:
    if isinstance(value, types.ModuleType):
        name = value.__name__
    else:
        name = getattr(value, "__module__", "") or ""
    parts = name.split(".")
    return "services" in parts or any(p.endswith("services") for p in parts)


def _root(node: ast.AST) -> ast.AST:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node


def _problems(func) -> list[str]:
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    problems = []
    for node in ast.walk(tree):
        # Setting a field on the record (who made it, its constituency) is the
        # service's work, not the admin's.
        targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign) and any(
            isinstance(t, ast.Attribute) for t in targets
        ):
            problems.append(f"line {node.lineno}: {ast.unparse(node)[:80]}")
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        target = call.func
        name = (
            target.attr
            if isinstance(target, ast.Attribute)
            else getattr(target, "id", "")
        )
        root = _root(target)
        if isinstance(root, ast.Call) and getattr(root.func, "id", "") == "super":
            continue  # super().save_model(...)
        if name == "super" or name in HELPERS:
            continue
        if isinstance(target, ast.Attribute) and name.endswith("_service"):
            continue  # self.update_service(...), the admin's named service
        if isinstance(root, ast.Name):
            value = func.__globals__.get(root.id)
            if value is not None and _is_service(value):
                continue
        problems.append(f"line {call.lineno}: {ast.unparse(call)[:80]}")
    return problems


def _hooks():
    seen = set()
    for model_admin in admin.site._registry.values():
        for klass in type(model_admin).__mro__:
            if klass.__module__.startswith("django."):
                continue
            for hook in HOOKS:
                func = klass.__dict__.get(hook)
                if func is None:
                    continue
                key = f"{klass.__module__}.{klass.__qualname__}.{hook}"
                if key not in seen:
                    seen.add(key)
                    yield key, func


def test_admin_save_hooks_only_call_services():
    found = dict(_hooks())
    # The walk reaches the hooks that carry the rules (so it cannot pass empty).
    assert "partyhub.admin_base.ServiceWrites.save_model" in found
    assert "events.admin.events.EventAdmin.save_formset" in found
    offenders = {
        key: problems
        for key, func in found.items()
        if key not in FRAMEWORK and (problems := _problems(func))
    }
    assert offenders == {}


def test_the_check_catches_a_hook_with_domain_logic():
    class Sloppy(admin.ModelAdmin):
        def save_model(self, request, obj, form, change):
            obj.status = "yes"
            obj.save()
            super().save_model(request, obj, form, change)

    problems = _problems(Sloppy.save_model)
    assert problems == ["line 2: obj.status = 'yes'", "line 3: obj.save()"]
