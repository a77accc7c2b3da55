"""Reading a configuration: files and folders, includes, variables, merge, models, rules.

Everything found wrong is collected and raised together as one ConfigError, each problem at the
file and line it comes from: a user fixing a config wants the whole list, not one error per run.
"""

from __future__ import annotations

import os
import stat
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from reconciler import redact
from reconciler.config import rules
from reconciler.config.errors import ConfigError, ConfigIssue, Severity
from reconciler.config.lines import ConfigPath, LineIndex
from reconciler.config.merge import Document, Layer, Location, Locations, merge_documents
from reconciler.config.models import Config
from reconciler.config.nulls import read_nulls
from reconciler.config.validation import _suggest, check_rules, describe
from reconciler.config.variables import expand_detailed, missing_message
from reconciler.config.yaml_loader import parse_yaml, written_text

YAML_SUFFIXES = (".yaml", ".yml")
INCLUDE_KEY = "include"
DEFERRED_SECRET = "(supplied at plan/apply time)"
DEFERRED_ACCOUNT = "AC" + "0" * 32
"""Stand-ins that let `validate` check a config whose secrets and account pin are not set."""


def is_write_only(path: ConfigPath) -> bool:
    """Credential secrets: sent to Twilio, never returned, never shown."""
    return len(path) == 3 and path[0] == "credentials" and path[2] in rules.CREDENTIAL_SECRET_FIELDS


def _deferred_value(path: ConfigPath) -> str | None:
    """What `validate` uses for an unset variable it may leave to plan/apply time."""
    if is_write_only(path):
        return DEFERRED_SECRET
    if path == ("account", "sid"):
        return DEFERRED_ACCOUNT
    return None


def _reason(error: OSError | UnicodeDecodeError) -> str:
    """Why a file or folder could not be read, without the path (the issue names it)."""
    if isinstance(error, OSError) and error.errno is not None and error.strerror:
        return f"[Errno {error.errno}] {error.strerror}"
    return str(error)


def _dotted(path: ConfigPath) -> str:
    return ".".join(str(part) for part in path)


@dataclass
class LoadedConfig:
    """A validated configuration and where each of its values was written."""

    config: Config
    files: list[Path]
    """Every file read, in merge order (an included file before the file that includes it)."""
    locations: Locations = field(default_factory=lambda: Locations([], None), repr=False)
    warnings: list[ConfigIssue] = field(default_factory=list)
    """Problems that do not stop the run (shown on stderr): skipped files, deferred secrets."""
    default_secrets: list[str] = field(default_factory=list)
    """Dotted paths of write-only values that came from a `${VAR:-default}` in a file."""
    literal_secrets: list[str] = field(default_factory=list)
    """Dotted paths of write-only values written as they are in a file (no `${VAR}`)."""

    def resource_counts(self) -> dict[str, int]:
        """What the configuration manages, by kind (for summaries and reports)."""
        config = self.config
        return {
            "services": len(config.services),
            "roles": sum(len(service.roles) for service in config.services.values()),
            "address_configurations": len(config.address_configurations),
            "credentials": len(config.credentials),
        }

    def where(self, path: Sequence[str | int]) -> Location | None:
        """(file, line) of a config path, or of its nearest located ancestor; None if none is."""
        return self.locations.nearest(tuple(path))

    def locate(self, path: Sequence[str | int]) -> str | None:
        """ "file:line" of a config path, or of its nearest located ancestor; None if none is."""
        return _file_line(self.locations.nearest(tuple(path)))


def _file_line(where: Location | None) -> str | None:
    return f"{where[0]}:{where[1]}" if where is not None else None


def load_config(
    paths: Sequence[str | Path],
    environ: Mapping[str, str] | None = None,
    defer_secrets: bool = False,
    strict: bool = False,
) -> LoadedConfig:
    """Load, merge and validate configuration files and folders, in order (later wins).

    A folder stands for its *.yaml / *.yml files sorted by name (see `_Reader.expand`). With
    `defer_secrets` (validate), an unset variable in a write-only field or the account pin is a
    notice, not an error: plan and apply need it, an offline check does not. Values outside this
    version's lists of Twilio's values are warnings; `strict` (or `policy.strict: true` in the
    configuration) makes them errors. Raises ConfigError with every problem found; the values of
    write-only fields are registered for masking.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    reader = _Reader(os.environ if environ is None else environ, defer_secrets)
    merged = Document()
    for given in paths:
        for display, real in reader.expand(str(given)):
            merge_documents(merged, reader.load_file(display, real, ()))
    if not paths:
        reader.issues.append(ConfigIssue("(command line)", None, "no configuration path given"))
    if reader.unreadable:
        raise ConfigError(reader.issues)

    issues = list(reader.issues)
    nulls = read_nulls(merged.data)  # the data read from here on: an empty string is null
    null_paths = {path for path, _ in nulls.issues}
    config: Config | None = None
    try:
        config = Config.model_validate(nulls.data)
    except ValidationError as error:
        for problem in error.errors(include_url=False):
            path = tuple(problem["loc"])
            if _is_tainted(path, merged.tainted) or path in null_paths:
                continue
            message = _model_message(path, problem, _written(merged, path, problem.get("input")))
            issues.append(_issue_at(merged, path, message, reader.first_file))
    locations = merged.locations
    report = check_rules(
        nulls.data,
        lambda p: _file_line(locations.nearest(p)),
        strict=strict or _strict_policy(merged.data),
    )
    warnings = list(reader.warnings)
    for path, message in [*nulls.issues, *report.errors]:
        if not _is_tainted(path, merged.tainted):
            issues.append(_issue_at(merged, path, message, reader.first_file))
    for path, message in report.warnings:
        if not _is_tainted(path, merged.tainted):
            warnings.append(_issue_at(merged, path, message, reader.first_file, "warning"))
    if issues or config is None:
        raise ConfigError([*issues, *warnings])
    redact.register(
        getattr(credential, name).get_secret_value()
        for credential in config.credentials.values()
        for name in rules.CREDENTIAL_SECRET_FIELDS
        if getattr(credential, name) is not None
        and getattr(credential, name).get_secret_value() != DEFERRED_SECRET
    )
    return LoadedConfig(
        config=config,
        files=list(reader.files),
        locations=merged.locations,
        warnings=sorted(warnings, key=ConfigIssue.sort_key),
        default_secrets=reader.default_secrets,
        literal_secrets=[
            _dotted(path)
            for path, where in reader.literal_secrets
            if merged.locations.get(path) == where  # not replaced by a later file's `${VAR}`
        ],
    )


def _strict_policy(data: Mapping[str, Any]) -> bool:
    """`policy.strict: true` in the merged data (read before the model, which may fail)."""
    policy = data.get("policy")
    return isinstance(policy, Mapping) and policy.get("strict") is True


def _nearest_line(lines: LineIndex, path: ConfigPath) -> int | None:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _written(document: Document, path: ConfigPath, value: Any) -> str | None:
    """How the boolean or number at `path` was written in its file (None for other values)."""
    if not isinstance(value, (bool, int, float)) or not path:
        return None
    layer = document.locations.layer(path)
    return written_text(layer.written if layer is not None else None, path, value)


def _is_tainted(path: ConfigPath, tainted: set[ConfigPath]) -> bool:
    return any(path[:end] in tainted for end in range(len(path) + 1))


def _issue_at(
    document: Document,
    path: ConfigPath,
    message: str,
    fallback: str,
    severity: Severity = "error",
) -> ConfigIssue:
    where = document.locations.nearest(path)
    if where is not None:
        return ConfigIssue(where[0], where[1], message, severity=severity)
    return ConfigIssue(fallback, None, message, severity=severity)


class _Reader:
    """Expands paths to files and loads each with its includes, collecting problems."""

    def __init__(self, environ: Mapping[str, str], defer_secrets: bool = False) -> None:
        self.environ = environ
        self.defer_secrets = defer_secrets
        self.issues: list[ConfigIssue] = []
        self.warnings: list[ConfigIssue] = []
        self.default_secrets: list[str] = []
        self.literal_secrets: list[tuple[ConfigPath, Location]] = []
        self.files: list[Path] = []
        self._seen: set[Path] = set()
        self.unreadable = False
        self.first_file = "(configuration)"

    def fail(
        self,
        file: str,
        line: int | None,
        message: str,
        fatal: bool = True,
        column: int | None = None,
    ) -> None:
        self.issues.append(ConfigIssue(file, line, message, column=column))
        self.unreadable = self.unreadable or fatal

    def expand(
        self, given: str, origin: tuple[str, int, str] | None = None
    ) -> list[tuple[str, Path]]:
        """(display path, real path) of the files a path stands for.

        `origin` is (file, line, path as written) of the include that names it.
        """
        file, line = (origin[0], origin[1]) if origin else (given, None)
        named = f"include {origin[2]!r}: " if origin else ""
        path = Path(given)
        try:
            mode: int | None = path.stat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            mode = None
        except OSError as error:  # a folder on the way that may not be searched, a name too long
            self.fail(file, line, f"{named}cannot read {given}: {_reason(error)}")
            return []
        if mode is not None and stat.S_ISDIR(mode):
            try:
                found = self.folder_files(path, file, line, named)
            except OSError as error:  # the folder may not be listed, or its files looked at
                self.fail(file, line, f"{named}cannot read folder {given}: {_reason(error)}")
                return []
            if not found and not any(issue.file == file for issue in self.issues):
                self.fail(file, line, f"{named}folder {given} holds no .yaml or .yml files")
            return [(os.path.join(given, child.name), child) for child in found]
        if mode is not None and stat.S_ISREG(mode):
            return [(given, path)]
        if path.is_symlink():
            self.fail(file, line, f"{named}{given} is a symbolic link to a missing file")
            return []
        self.fail(file, line, f"{named}no such file or folder: {given}")
        return []

    def folder_files(self, folder: Path, file: str, line: int | None, named: str) -> list[Path]:
        """The files a folder contributes: its `*.yaml` and `*.yml` files, sorted by name.

        Nothing that looks like configuration is dropped silently: a dangling link or a
        non-file named *.yaml is an error (it would drop resources that prune then deletes),
        an upper-case suffix is an error (rename it), and hidden files and subfolders holding
        YAML, which are not read, are warnings.
        """
        found: list[Path] = []
        for child in sorted(folder.iterdir()):
            shown = os.path.join(str(folder), child.name)
            suffix = child.suffix
            looks_yaml = suffix.lower() in YAML_SUFFIXES
            if child.name.startswith("."):
                if looks_yaml:
                    self.warn(
                        shown, None, "hidden file not read (folders skip names starting with .)"
                    )
                continue
            if child.is_dir() and not looks_yaml:
                if any(grand.suffix.lower() in YAML_SUFFIXES for grand in child.rglob("*")):
                    self.warn(
                        shown,
                        None,
                        "subfolder not read (a folder contributes only its own files); pass it "
                        "as a path or name it in `include:`",
                    )
                continue
            if not looks_yaml:
                continue
            if suffix not in YAML_SUFFIXES:
                self.fail(
                    shown,
                    None,
                    f"{named}configuration files end in lower-case .yaml or .yml; rename "
                    f"{child.name} (it would not be read)",
                )
            elif child.is_symlink() and not child.exists():
                self.fail(
                    shown, None, f"{named}symbolic link to a missing file ({os.readlink(child)})"
                )
            elif not child.is_file():
                self.fail(shown, None, f"{named}not a regular file, so it cannot be read")
            else:
                found.append(child)
        return found

    def warn(self, file: str, line: int | None, message: str) -> None:
        self.warnings.append(ConfigIssue(file, line, message, severity="warning"))

    def expand_tree(
        self,
        data: dict[str, Any] | list[Any],
        path: ConfigPath,
        display: str,
        lines: LineIndex,
        tainted: set[ConfigPath],
    ) -> None:
        """Expand `${VAR}` in every string value in place, knowing where it sits (secrets
        differ); a value's path is built only for the strings that hold a variable."""
        pairs = data.items() if isinstance(data, dict) else enumerate(data)
        for key, value in pairs:
            if isinstance(value, (dict, list)):
                self.expand_tree(value, (*path, key), display, lines, tainted)
            elif isinstance(value, str) and "${" in value:
                data[key] = self.expand_value(value, (*path, key), display, lines, tainted)  # type: ignore[index]
            elif value is not None and key in rules.CREDENTIAL_SECRET_FIELDS:
                secret = (*path, key)  # a secret written as it is, where apply warns
                if is_write_only(secret) and secret in lines:
                    self.literal_secrets.append((secret, (display, lines[secret])))

    def expand_value(
        self, data: str, path: ConfigPath, display: str, lines: LineIndex, tainted: set[ConfigPath]
    ) -> Any:
        line = _nearest_line(lines, path)
        try:
            expansion = expand_detailed(data, self.environ)
        except ValueError as error:
            self.fail(display, line, str(error), fatal=False)
            tainted.add(path)
            return None
        if expansion.missing:
            deferred = _deferred_value(path) if self.defer_secrets else None
            if deferred is None:
                self.fail(display, line, missing_message(expansion.missing[0]), fatal=False)
                tainted.add(path)
                return None
            self.warnings.append(
                ConfigIssue(
                    display,
                    line,
                    f"{describe(path)}: {expansion.missing[0]} is not set here; it is supplied "
                    "at plan/apply time (plan and apply require it)",
                    severity="notice",
                )
            )
            return deferred
        if expansion.defaults_used and is_write_only(path):
            self.default_secrets.append(_dotted(path))
        return expansion.value

    def load_file(self, display: str, real: Path, stack: tuple[Path, ...]) -> Document:
        """One file merged over what it includes."""
        if self.first_file == "(configuration)":
            self.first_file = display
        try:
            text = real.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            self.fail(display, None, f"cannot read file: {_reason(error)}")
            return Document()
        parsed = parse_yaml(text)
        for issue in parsed.issues:
            self.fail(display, issue.line, issue.message, parsed.unreadable, issue.column)
        if parsed.unreadable:
            return Document()
        root = parsed.lines.root
        own = Document(
            layers=[Layer(display, parsed.lines, written=parsed.written)],
            root=None if root is None else (display, root),
            tainted=set(parsed.tainted),
        )
        if not isinstance(parsed.data, dict):
            # The value itself is not shown: an include of a file that is not configuration
            # (`include: [/etc/passwd]`) must not print that file.
            kind = "a list" if isinstance(parsed.data, list) else "a single value"
            self.fail(
                display,
                parsed.lines.get((), 1),
                "not a configuration file: the top level must be a mapping with keys such as "
                f"version, services, account; this file holds {kind} (its content is not shown)",
            )
            return Document()
        data: dict[str, Any] = parsed.data
        self.expand_tree(data, (), display, parsed.lines, own.tainted)
        base = Document()
        if INCLUDE_KEY in data:
            includes = data.pop(INCLUDE_KEY)
            chain = (*stack, real.resolve())
            for target, line in self.include_targets(display, includes, parsed.lines):
                joined = os.path.normpath(os.path.join(os.path.dirname(display), target))
                for child_display, child_real in self.expand(joined, (display, line, target)):
                    resolved = child_real.resolve()
                    if resolved in chain:
                        cycle = " -> ".join(
                            [*(p.name for p in chain[chain.index(resolved) :]), resolved.name]
                        )
                        self.fail(display, line, f"include cycle: {cycle}")
                        continue
                    merge_documents(base, self.load_file(child_display, child_real, chain))
        own.data = data
        merge_documents(base, own)
        if own.root is not None:
            base.root = own.root
        if real.resolve() not in self._seen:
            self._seen.add(real.resolve())
            self.files.append(Path(display))
        return base

    def include_targets(
        self, display: str, includes: Any, lines: LineIndex
    ) -> list[tuple[str, int]]:
        """The paths named by `include:` (a string or a list of strings) with their lines."""
        line = lines.get((INCLUDE_KEY,), 1)
        if isinstance(includes, str):
            return [(includes, line)]
        if isinstance(includes, list) and all(isinstance(item, str) and item for item in includes):
            return [
                (item, lines.get((INCLUDE_KEY, index), line)) for index, item in enumerate(includes)
            ]
        self.fail(
            display,
            line,
            "include must be a path or a list of paths (files or folders, relative to this file)",
        )
        return []


# --- pydantic errors as messages that say what is allowed ------------------------------------


def _is_address(path: ConfigPath) -> bool:
    """An address configuration's address: where a phone number is written."""
    return len(path) == 3 and path[0] == "address_configurations" and path[2] == "address"


def _model_message(path: ConfigPath, problem: Mapping[str, Any], written: str | None = None) -> str:
    """What is wrong at `path`; `written` is the text of a boolean or number as the file has it
    (a "quote it" hint must quote that: `+15017122661` is read as 15017122661, `0123` as 83)."""
    kind = problem["type"]
    value = problem.get("input")
    where = describe(path)
    if is_write_only(path):  # never echo what was written in a secret's place
        expected = "a string" if kind in ("string_type", "model_type") else "a valid value"
        return f"{where}: expected {expected} (the value written here is not shown)"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(path[:-1])
        hint = f"; allowed keys here: {', '.join(allowed)}" if allowed else ""
        guess = _suggest(str(path[-1]), allowed)
        return f"{describe(path[:-1])}: unknown key {path[-1]!r}{guess}{hint}"
    if kind == "missing":
        return f"{describe(path[:-1])}: missing required key {path[-1]!r}"
    if kind == "literal_error":
        if path == ("version",):
            return f"version: must be 1 (the only configuration format so far); got {value!r}"
        expected = problem.get("ctx", {}).get("expected", "")
        return f"{where}: {value!r} is not allowed; expected one of {expected}"
    simple = {
        "dict_type": "a mapping",
        "model_type": "a mapping",
        "model_attributes_type": "a mapping",
        "list_type": "a list",
        "string_type": "a string",
        "bool_type": "true or false",
        "bool_parsing": "true or false",
        "int_type": "a whole number",
        "int_parsing": "a whole number",
        "int_from_float": "a whole number",
        "float_type": "a number",
        "float_parsing": "a number",
    }
    bounds = {
        "greater_than": "greater than",
        "greater_than_equal": "at least",
        "less_than": "less than",
        "less_than_equal": "at most",
    }
    if kind in bounds:
        limit = next(iter(problem.get("ctx", {}).values()), "")
        shown = f"{limit:g}" if isinstance(limit, (int, float)) else limit
        return f"{where}: must be {bounds[kind]} {shown}; got {_shown(value)}"
    if kind == "string_type" and isinstance(value, bool):
        text = written_text(None, path, value) if written is None else written
        return (
            f"{where}: expected a string; got {text}, which YAML reads as the boolean "
            f"{_shown(value).lower()} (unquoted yes, no, on, off, true and false are booleans), "
            f'so quote it: "{text}"'
        )
    if kind == "string_type" and isinstance(value, (int, float)):
        text = written_text(None, path, value) if written is None else written
        read_as = "" if text == str(value) else f", which YAML reads as {_shown(value)}"
        phone = (
            ' (a phone number in E.164 form: "+15017122661")'
            if _is_address(path) and not text.startswith("+")
            else ""
        )
        return (
            f"{where}: expected a string; got the number {text}{read_as}: YAML reads unquoted "
            f'digits as a number, so quote it: "{text}"{phone}'
        )
    if kind in simple:
        return f"{where}: expected {simple[kind]}; got {_shown(value)}"
    return f"{where}: {problem['msg']}; got {_shown(value)}"


def _shown(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _allowed_keys(path: ConfigPath) -> list[str]:
    """The field names of the model found at a config path (for "unknown key" messages)."""
    current: Any = Config
    for part in path:
        current = _step(current, part)
        if current is None:
            return []
    model = _model_in(current)
    return list(model.model_fields) if model else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType):
        for arg in get_args(annotation):
            found = _model_in(arg)
            if found:
                return found
    return None


def _step(annotation: Any, part: str | int) -> Any:
    model = _model_in(annotation)
    if model is not None:
        field_info = model.model_fields.get(str(part))
        return field_info.annotation if field_info else None
    candidates = (
        get_args(annotation)
        if get_origin(annotation) in (Union, types.UnionType)
        else (annotation,)
    )
    for candidate in candidates:
        origin = get_origin(candidate)
        if origin is dict:
            return get_args(candidate)[1]
        if origin is list:
            return get_args(candidate)[0]
    return None
