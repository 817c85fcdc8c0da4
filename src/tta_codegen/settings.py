"""Settings: ``tta-codegen.toml`` (or ``TTA_CODEGEN_CONFIG`` / ``--config``) plus
``TTA_CODEGEN_*`` environment variables, which win over the file.

Nested values use ``__`` in the environment, e.g.
``TTA_CODEGEN_GENERATION__MAX_ITERATIONS=5``. Settings are read once at the entry
point (CLI or API) and passed down; nothing reads them from globals.
"""

from __future__ import annotations

import os
import tomllib
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from pydantic import (
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from tta_codegen.errors import ConfigError
from tta_codegen.settings_sections import (
    BudgetSettings,
    CheckpointSettings,
    ContextSettings,
    FleetSettings,
    GatesSettings,
    GenerationSettings,
    ModelEntry,
    OpenHandsSettings,
    ProviderSettings,
    RoutingSettings,
    SafetySettings,
    TelemetrySettings,
    TemplateSettings,
    default_state_dir,
)
from tta_codegen.utf8 import decode_utf8

__all__ = [
    "BudgetSettings",
    "CheckpointSettings",
    "ContextSettings",
    "FleetSettings",
    "GatesSettings",
    "GenerationSettings",
    "ModelEntry",
    "OpenHandsSettings",
    "ProviderSettings",
    "RoutingSettings",
    "SafetySettings",
    "Settings",
    "TelemetrySettings",
    "TemplateSettings",
    "default_state_dir",
]

CONFIG_FILE_NAME = "tta-codegen.toml"
CONFIG_ENV = "TTA_CODEGEN_CONFIG"


def _builtin_providers() -> dict[str, ProviderSettings]:
    return {
        "openrouter": ProviderSettings(
            base_url="https://openrouter.ai/api/v1",
            api_key_env="OPENROUTER_API_KEY",
            free_requests_per_minute=20,
            free_requests_per_day=50,
        ),
        "openai": ProviderSettings(
            base_url="https://api.openai.com/v1", api_key_env="OPENAI_API_KEY"
        ),
        "local": ProviderSettings(
            base_url="http://127.0.0.1:11434/v1",
            api_key_env="LOCAL_API_KEY",
            api_key_required=False,
        ),
    }


_config_path: ContextVar[Path | None] = ContextVar("_config_path", default=None)


class Settings(BaseSettings):
    """Everything configurable; see the README's configuration section."""

    model_config = SettingsConfigDict(
        env_prefix="TTA_CODEGEN_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    providers: dict[str, ProviderSettings] = Field(default_factory=dict)
    """Provider tables; merged over the built-ins (openrouter, openai, local)."""
    models: list[ModelEntry] = Field(default_factory=list)
    """Catalog additions and overrides."""
    checkpoints: CheckpointSettings = Field(default_factory=CheckpointSettings)
    budget: BudgetSettings = Field(default_factory=BudgetSettings)
    generation: GenerationSettings = Field(default_factory=GenerationSettings)
    routing: RoutingSettings = Field(default_factory=RoutingSettings)
    gates: GatesSettings = Field(default_factory=GatesSettings)
    context: ContextSettings = Field(default_factory=ContextSettings)
    templates: TemplateSettings = Field(default_factory=TemplateSettings)
    openhands: OpenHandsSettings = Field(default_factory=OpenHandsSettings)
    telemetry: TelemetrySettings = Field(default_factory=TelemetrySettings)
    safety: SafetySettings = Field(default_factory=SafetySettings)
    fleet: FleetSettings = Field(default_factory=FleetSettings)
    state_dir: Path = Field(default_factory=default_state_dir)
    """Local state: stats, ledgers, span files, index cache."""
    _config_file: Path | None = PrivateAttr(default=None)

    @property
    def config_file(self) -> Path | None:
        """The config file ``load`` read (absolute); None when there was none."""
        return self._config_file

    @model_validator(mode="after")
    def _files_in_state_dir(self) -> Settings:
        """The default checkpoint file and type-checker cache live in this
        settings' state directory."""
        if self.checkpoints.url is None:
            url = "sqlite:///" + str(self.state_dir / "checkpoints.sqlite")
            self.checkpoints = self.checkpoints.model_copy(update={"url": url})
        if self.gates.cache_dir is None:
            cache = self.state_dir / "mypy-cache"
            self.gates = self.gates.model_copy(update={"cache_dir": cache})
        return self

    @field_validator("providers", mode="before")
    @classmethod
    def _merge_builtin_providers(cls, value: object) -> dict[str, object]:
        """Configured provider tables override built-in ones field by field."""
        merged: dict[str, object] = {
            name: provider.model_dump()
            for name, provider in _builtin_providers().items()
        }
        if isinstance(value, dict):
            for name, table in value.items():
                base = merged.get(name)
                if isinstance(base, dict) and isinstance(table, dict):
                    merged[name] = {**base, **table}
                else:
                    merged[name] = table
        return merged

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = _config_path.get()
        data = _read_toml(path) if path is not None else {}
        return (init_settings, env_settings, InitSettingsSource(settings_cls, data))

    @classmethod
    def load(cls, config: Path | None = None, **overrides: Any) -> Settings:
        """Read settings from ``config``, ``$TTA_CODEGEN_CONFIG`` or
        ``./tta-codegen.toml`` (first that is given), then the environment.

        Raises ConfigError with one actionable line on any problem.
        """
        path = resolve_config_path(config)
        token = _config_path.set(path)
        try:
            settings = cls(**overrides)
            settings._config_file = path.resolve() if path is not None else None
            return settings
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            raise ConfigError(
                f"invalid setting {loc!r}{_source(first['loc'], path, overrides)}: "
                f"{first['msg']}",
                hint="see the README's configuration section",
            ) from None
        finally:
            _config_path.reset(token)

    def provider(self, name: str) -> ProviderSettings:
        """The provider table ``name``; ConfigError if it is not configured."""
        try:
            return self.providers[name]
        except KeyError:
            known = ", ".join(sorted(self.providers))
            raise ConfigError(
                f"unknown provider {name!r}; configured providers: {known}"
            ) from None


def _source(
    loc: tuple[int | str, ...], path: Path | None, overrides: dict[str, Any]
) -> str:
    """Where the bad value came from: an override, the environment, or the file."""
    if loc and str(loc[0]) in overrides:
        return ""
    names = {name.upper() for name in os.environ}
    for depth in range(len(loc), 0, -1):
        var = "TTA_CODEGEN_" + "__".join(str(p) for p in loc[:depth]).upper()
        if var in names:
            return f" (from the environment variable {var})"
    return f" in {path}" if path else ""


def resolve_config_path(config: Path | None) -> Path | None:
    """The config file to read, or None when there is none (defaults apply)."""
    if config is not None:
        if not config.is_file():
            raise ConfigError(f"config file not found: {config}")
        return config
    env_path = os.environ.get(CONFIG_ENV)
    if env_path:
        path = Path(env_path).expanduser()
        if not path.is_file():
            raise ConfigError(f"{CONFIG_ENV} points to a missing file: {path}")
        return path
    local = Path.cwd() / CONFIG_FILE_NAME
    return local if local.is_file() else None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = decode_utf8(path.read_bytes(), f"config file {path}", ConfigError)
        return tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
