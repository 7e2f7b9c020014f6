"""VBGC collection queries: `filter` and `orderby` (JSON arrays), `offset`/`limit` and the list envelope."""

import json
import operator
import re

from .auth import parse_bool
from .messages import ApiError

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

LOGICAL = {
    "and": all, "andalso": all,
    "or": any, "orelse": any,
    "exclusiveor": lambda results: sum(results) == 1,
}
ORDERING = {"greaterthan": operator.gt, "greaterthanorequal": operator.ge,
            "lessthan": operator.lt, "lessthanorequal": operator.le}
STRING_ONLY = {"contains", "like", *ORDERING}


def wildcard_regex(pattern, ignore_case):
    """`*` = any run of characters, `?` = exactly one; use with fullmatch."""
    parts = (".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.compile("".join(parts), (re.IGNORECASE if ignore_case else 0) | re.DOTALL)


def page(items, request, properties):
    """Filter, sort and slice `items` (dicts) into `{"data": [...], "pagination": {...}}`.

    `properties` maps each filterable/sortable property name to its type (str or bool).
    """
    predicate = compile_filter(_json_parameter(request, "filter"), properties)
    sort_keys = _sort_keys(_json_parameter(request, "orderby"), properties)
    offset = _int_parameter(request, "offset", 0, None)
    limit = _int_parameter(request, "limit", DEFAULT_LIMIT, MAX_LIMIT)
    selected = [item for item in items if predicate(item)]
    for name, descending in reversed(sort_keys):
        selected.sort(key=lambda item, name=name: item[name], reverse=descending)
    data = selected[offset:offset + limit]
    return {"data": data, "pagination": {"total": len(selected), "count": len(data), "offset": offset, "limit": limit}}


def compile_filter(expressions, properties):
    """Top-level expressions are ANDed; validation happens here, before any item is looked at."""
    if expressions is None:
        return lambda item: True
    if not isinstance(expressions, list):
        raise ApiError(400, "The filter parameter must be a JSON array of expressions.")
    checks = [_compile(expression, properties) for expression in expressions]
    return lambda item: all(check(item) for check in checks)


def _compile(expression, properties):
    if not isinstance(expression, dict) or not isinstance(expression.get("operator"), str):
        raise ApiError(400, "Each filter expression must be an object with an operator.")
    name = expression["operator"].lower()
    if name in LOGICAL:
        children = expression.get("items")
        if not isinstance(children, list) or not children:
            raise ApiError(400, f"The {expression['operator']} operator needs a non-empty items array.")
        combine, checks = LOGICAL[name], [_compile(child, properties) for child in children]
        return lambda item: combine([check(item) for check in checks])
    return _comparison(name, expression, properties)


def _comparison(name, expression, properties):
    prop = _property(expression.get("property"), properties)
    kind = properties[prop]
    if "value" not in expression:
        raise ApiError(400, "A filter expression needs a value.")
    if kind is bool and name in STRING_ONLY:
        raise ApiError(400, f"The operator {expression['operator']} does not apply to the boolean {prop}.")
    fold = _folder(kind, parse_bool(expression.get("ignorecase", False), "ignorecase"))
    raw = expression["value"]
    if name == "in":
        if not isinstance(raw, list):
            raise ApiError(400, "The in operator needs a list value.")
        wanted = [fold(_coerce(value, kind)) for value in raw]
        return lambda item: fold(item[prop]) in wanted
    value = fold(_coerce(raw, kind))
    if name in ("equals", "notequals"):
        same = name == "equals"
        return lambda item: (fold(item[prop]) == value) == same
    if name == "contains":
        return lambda item: value in fold(item[prop])
    if name == "like":
        pattern = wildcard_regex(value, ignore_case=False)  # both sides are already folded
        return lambda item: pattern.fullmatch(fold(item[prop])) is not None
    if name in ORDERING:
        compare = ORDERING[name]
        return lambda item: compare(fold(item[prop]), value)
    raise ApiError(400, f"Unknown filter operator {expression['operator']!r}.")


def _property(value, properties):
    """Property names match case-insensitively and come back in their canonical spelling."""
    canonical = {name.lower(): name for name in properties}
    if not isinstance(value, str) or value.lower() not in canonical:
        raise ApiError(400, f"Unknown property {value!r}; known: {', '.join(properties)}.")
    return canonical[value.lower()]


def _coerce(value, kind):
    if kind is bool:
        return parse_bool(value, "value")
    if isinstance(value, (dict, list)) or value is None:
        raise ApiError(400, "A filter value must be a string, a number or a boolean.")
    return value if isinstance(value, str) else json.dumps(value)


def _folder(kind, ignore_case):
    return str.casefold if kind is str and ignore_case else lambda value: value


def _sort_keys(orderby, properties):
    if orderby is None:
        return []
    if not isinstance(orderby, list) or not all(isinstance(entry, dict) for entry in orderby):
        raise ApiError(400, "The orderby parameter must be a JSON array of {property, direction} objects.")
    keys = []
    for entry in orderby:
        direction = entry.get("direction", "ASC")
        if not isinstance(direction, str) or direction.upper() not in ("ASC", "DESC"):
            raise ApiError(400, "The orderby direction must be ASC or DESC.")
        keys.append((_property(entry.get("property"), properties), direction.upper() == "DESC"))
    return keys


def _json_parameter(request, name):
    raw = request.query_value(name)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise ApiError(400, f"The {name} parameter is not valid JSON.") from None


def int_query(request, name, default, invalid):
    """The query parameter `name` as an integer: `default` when absent; raises `invalid(raw)` when it is not one."""
    raw = request.query_value(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise invalid(raw) from None


def _int_parameter(request, name, default, maximum):
    value = int_query(request, name, default, lambda _: ApiError(400, f"The {name} parameter must be an integer."))
    if value < 0 or (maximum is not None and value > maximum):
        limit = f" and <= {maximum}" if maximum is not None else ""
        raise ApiError(400, f"The {name} parameter must be >= 0{limit}.")
    return value
