"""Archive settings: local rules an archive is configured with.

Settings live in the catalog's ``meta`` table as ``setting.<name>`` rows (JSON values), so they
travel with the archive (:mod:`gazette.archive.settings_store` reads and writes them). Each is
declared in :data:`SETTINGS` with its type, its default (which is always "off": the library
never assumes one locality's practice) and what it does.
``gazette settings`` lists and changes them; :meth:`gazette.archive.Archive.set_setting`
changes one and re-applies what depends on it.

Declared settings:

``validity.provisional_years``
    Years a 暂行/试行 document stays valid when it states an effective date but no validity
    period (many local rules say 2). Unset: no default period is assumed.

``disclosure.review_days``, ``disclosure.request_threshold``, ``interpretation.lag_days``,
``timeliness.portal_days``, ``timeliness.gazette_days``
    Parameters of the reports (:mod:`gazette.reports`); an option given to a report wins.
    Unset, the reports use 365 days, 3 applications, 0 working days and 20 working days (the
    政府信息公开条例 第二十六条 period).

``view.default``
    The disclosure view the command line reads through when ``--view`` is not given
    (``public`` or ``internal``). Unset: ``public``. Exports meant for publication (bulk
    exports, bags) and the web application keep the public view as their default whatever
    this says.
"""

from __future__ import annotations

from typing import Any

import attrs

from gazette.errors import InvalidArgument


@attrs.frozen
class Setting:
    """One declared setting.

    Attributes:
        name: dotted name (``validity.provisional_years``).
        kind: ``int``, ``str`` or ``bool``.
        help: what it does.
        minimum: lowest accepted value for ``int`` settings.
        default: the value when unset (``None``: off).
        choices: the values a ``str`` setting accepts (empty: any).
        rederive: whether documents' derived events depend on it (a change re-derives them).
    """

    name: str
    kind: type
    help: str
    minimum: int | None = None
    default: Any = None
    choices: tuple[str, ...] = ()
    rederive: bool = False

    def parse(self, text: str) -> Any:
        """The value a command-line string stands for.

        Raises:
            InvalidArgument: not a value of this setting's type.
        """
        text = text.strip()
        if self.kind is int:
            try:
                value: Any = int(text)
            except ValueError:
                raise InvalidArgument(f"{self.name} 的值须为整数，而不是“{text}”") from None
            if self.minimum is not None and value < self.minimum:
                raise InvalidArgument(f"{self.name} 的值至少为{self.minimum}")
            return value
        if self.kind is bool:
            lowered = text.lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off"}:
                return False
            raise InvalidArgument(f"{self.name} 的值须为 true 或 false，而不是“{text}”")
        if self.choices and text not in self.choices:
            choices = "、".join(f"`{choice}`" for choice in self.choices)
            raise InvalidArgument(f"{self.name} 的值须为{choices}之一，而不是“{text}”")
        return text


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting(
            "validity.provisional_years",
            int,
            "years a 暂行/试行 document is valid when it states an effective date but no period",
            minimum=1,
            rederive=True,
        ),
        # Report parameters (gazette.reports); unset, the reports use the value in brackets.
        Setting(
            "disclosure.review_days",
            int,
            "days after a non-disclosure is decided before it is due for review (365)",
            minimum=1,
        ),
        Setting(
            "disclosure.request_threshold",
            int,
            "applications after which an on-request document is listed for proactive release (3)",
            minimum=1,
        ),
        Setting(
            "interpretation.lag_days",
            int,
            "working days an interpretation may come after its policy (0: the same day)",
            minimum=0,
        ),
        Setting(
            "timeliness.portal_days",
            int,
            "working days from writing to portal publication (20, 第二十六条)",
            minimum=0,
        ),
        Setting(
            "timeliness.gazette_days",
            int,
            "working days from writing to printing in a gazette (20)",
            minimum=0,
        ),
        Setting(
            "view.default",
            str,
            "view the command line reads through without --view: public or internal (public)",
            choices=("public", "internal"),
        ),
    )
}


def declared(name: str) -> Setting:
    """The declaration of setting ``name``.

    Raises:
        InvalidArgument: no setting has that name.
    """
    try:
        return SETTINGS[name]
    except KeyError:
        known = "、".join(sorted(SETTINGS))
        raise InvalidArgument(f"没有名为“{name}”的设置", hint=f"可设置：{known}") from None


def parse(name: str, text: str) -> Any:
    """The value ``text`` gives setting ``name``.

    Raises:
        InvalidArgument: unknown setting or a value of the wrong type.
    """
    return declared(name).parse(text)
