"""The simulator's settings: each product declares its own (Product.settings) and the CLI and the control API
(GET/PUT /_simulator/config) read them all from the registry."""

import copy
from dataclasses import dataclass, field, fields, make_dataclass

from .messages import InputError

REFRESH_LIFETIME = 14 * 24 * 3600


def non_negative_int(value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError("must be an integer >= 0")
    return value


def switch(value):
    if not isinstance(value, bool):
        raise InputError("must be true or false")
    return value


@dataclass(frozen=True)
class Setting:
    """name: the key in /_simulator/config; its command-line option, if `option` is given, is --<name with ->.
    default: copied into each fresh Settings. parse: checks a new value, raises InputError saying why.
    option: the argparse keyword arguments of the command-line option (None: no option)."""

    name: str
    default: object
    parse: object = non_negative_int
    option: dict | None = None


def token_lifetimes(api, access, short_refresh=None):
    """The `<api>_token_lifetime` (with its option), `<api>_refresh_lifetime` and, where the API has short-lived
    refresh tokens, `<api>_short_refresh_lifetime` settings that core/grant.py reads."""
    lifetimes = (Setting(f"{api}_token_lifetime", access, option={"type": int, "metavar": "SECONDS",
                                                                   "help": f"default {access}"}),
                 Setting(f"{api}_refresh_lifetime", REFRESH_LIFETIME))
    return lifetimes + (() if short_refresh is None else (Setting(f"{api}_short_refresh_lifetime", short_refresh),))


class SettingsBase:
    """The methods of a Settings class that settings_class builds."""

    def to_dict(self):
        return {item.name: getattr(self, item.name) for item in fields(self)}

    def merged(self, changes):
        """A copy with `changes` applied; raises InputError naming the first bad key."""
        values = self.to_dict()
        for key, value in changes.items():
            if key not in values:
                raise InputError(f"unknown setting {key!r}; known: {', '.join(values)}")
            try:
                values[key] = self.PARSERS[key](value)
            except InputError as exc:
                raise InputError(f"{key}: {exc}") from None
        return type(self)(**values)


def settings_class(settings):
    """A dataclass with one field per Setting, in order, each defaulting to a copy of its default."""
    specs = [(item.name, object, field(default_factory=lambda value=item.default: copy.deepcopy(value)))
             for item in settings]
    return make_dataclass("Settings", specs, bases=(SettingsBase,),
                          namespace={"PARSERS": {item.name: item.parse for item in settings}})
