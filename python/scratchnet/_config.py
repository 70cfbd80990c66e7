"""Training settings given as Python dicts, written as the TOML the library reads.

``{"model": {"layers": [80, 70]}, "train": {"epochs": 5}}`` (sections) and
``{"model.layers": [80, 70], "train.epochs": 5}`` (dotted keys) both work;
``layer`` (a list of dicts) becomes ``[[layer]]`` tables.
"""

import json


def _value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if hasattr(value, "item"):  # numpy scalars
        return _value(value.item())
    raise ValueError(f"cannot write {value!r} ({type(value).__name__}) as a TOML value")


def to_toml(config):
    """The TOML text of a settings dict (see the module docstring)."""
    sections = {}
    tables = []
    for key, value in config.items():
        if key == "layer":
            tables = list(value)
        elif isinstance(value, dict):
            sections.setdefault(key, {}).update(value)
        elif "." in key:
            section, name = key.split(".", 1)
            sections.setdefault(section, {})[name] = value
        else:
            raise ValueError(
                f"setting '{key}': give it as 'section.{key}' or inside a section dict "
                "(sections: data, model, train, output)")
    lines = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines.extend(f"{name} = {_value(v)}" for name, v in values.items() if v is not None)
        lines.append("")
    for table in tables:
        lines.append("[[layer]]")
        lines.extend(f"{name} = {_value(v)}" for name, v in table.items())
        lines.append("")
    return "\n".join(lines)
