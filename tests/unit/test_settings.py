import typing
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from tta_codegen.errors import ConfigError
from tta_codegen.settings import (
    BudgetSettings,
    CheckpointSettings,
    ContextSettings,
    GatesSettings,
    GenerationSettings,
    ModelEntry,
    OpenHandsSettings,
    ProviderSettings,
    RoutingSettings,
    SafetySettings,
    Settings,
    TelemetrySettings,
    TemplateSettings,
)

pytestmark = pytest.mark.unit

CONFIG = """
[providers.openrouter]
base_url = "http://127.0.0.1:9/v1"

[providers.vllm]
base_url = "http://gpu-box:8000/v1"
api_key_required = false

[[models]]
id = "Qwen/Qwen2.5-Coder-32B-Instruct"
provider = "vllm"
context_window = 32768
input_cost_per_mtok = 0
output_cost_per_mtok = 0
quality = { code_generation = 7.0 }

[checkpoints]
url = "redis://localhost:6379/2"

[budget]
max_cost_per_run_usd = 0.25

[generation]
max_iterations = 4
"""


def test_file_sections_are_read_and_builtins_kept(tmp_path: Path) -> None:
    path = tmp_path / "tta-codegen.toml"
    path.write_text(CONFIG)
    settings = Settings.load(path)
    # a partial table overrides only the fields it names
    assert settings.providers["openrouter"].base_url == "http://127.0.0.1:9/v1"
    assert settings.providers["openrouter"].api_key_env == "OPENROUTER_API_KEY"
    assert settings.provider("vllm").api_key_required is False
    assert "openai" in settings.providers and "local" in settings.providers
    assert settings.models[0].is_free
    assert settings.checkpoints.url == "redis://localhost:6379/2"
    assert settings.budget.max_cost_per_run_usd == Decimal("0.25")
    assert settings.budget.max_cost_per_day_usd == Decimal("5.00")
    assert settings.generation.max_iterations == 4


def test_environment_overrides_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "conf.toml"
    path.write_text(CONFIG)
    monkeypatch.setenv("TTA_CODEGEN_CONFIG", str(path))
    monkeypatch.setenv("TTA_CODEGEN_GENERATION__MAX_ITERATIONS", "7")
    monkeypatch.setenv("TTA_CODEGEN_CHECKPOINTS__URL", "memory://")
    settings = Settings.load()
    assert settings.generation.max_iterations == 7
    assert settings.checkpoints.url == "memory://"
    assert settings.budget.max_cost_per_run_usd == Decimal("0.25")


def test_working_directory_file_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tta-codegen.toml").write_text("[generation]\nmax_iterations = 1\n")
    monkeypatch.chdir(tmp_path)
    assert Settings.load().generation.max_iterations == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[generation\n", "not valid TOML"),
        ("[generation]\nmax_iterations = -1\n", "generation.max_iterations"),
        ("[generation]\nmax_iteration = 3\n", "generation.max_iteration"),
        ("[budget]\nmax_cost_per_run_usd = 'lots'\n", "budget.max_cost_per_run_usd"),
        ("[providers.x]\napi_key_env = 'X'\n", "providers.x.base_url"),
        # caught when the settings load, not as a failed call (exit 3) later
        ("[providers.openai]\nbase_url = 'not a url'\n", "http:// or https://"),
        ("[providers.openai]\nbase_url = 'api.openai.com/v1'\n", "with a host"),
    ],
)
def test_bad_config_is_one_clear_config_error(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "tta-codegen.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        Settings.load(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_missing_config_files_are_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigError, match="not found"):
        Settings.load(tmp_path / "nope.toml")
    monkeypatch.setenv("TTA_CODEGEN_CONFIG", str(tmp_path / "gone.toml"))
    with pytest.raises(ConfigError, match="TTA_CODEGEN_CONFIG"):
        Settings.load()


def test_unknown_provider_names_the_configured_ones() -> None:
    with pytest.raises(ConfigError, match="local, openai, openrouter"):
        Settings.load().provider("anthropic")


SECTIONS: list[tuple[type[BaseModel], dict[str, object]]] = [
    (ProviderSettings, {"base_url": "http://127.0.0.1:9/v1"}),
    (ModelEntry, {"id": "m"}),
    (CheckpointSettings, {}),
    (BudgetSettings, {}),
    (GenerationSettings, {}),
    (RoutingSettings, {}),
    (GatesSettings, {}),
    (ContextSettings, {}),
    (TemplateSettings, {}),
    (OpenHandsSettings, {}),
    (SafetySettings, {}),
    (TelemetrySettings, {}),
]


def numeric_fields() -> list[tuple[type[BaseModel], dict[str, object], str]]:
    found = []
    for section, required in SECTIONS:
        for name, field in section.model_fields.items():
            kinds = set(typing.get_args(field.annotation)) or {field.annotation}
            if kinds & {int, float, Decimal}:
                found.append((section, required, name))
    return found


def test_every_section_has_numeric_fields_to_check() -> None:
    names = {name for _, _, name in numeric_fields()}
    assert {"memory_mb", "tmp_mb", "max_cost_per_run_usd", "ttl_s"} <= names


@pytest.mark.parametrize(
    ("section", "required", "name"),
    numeric_fields(),
    ids=[f"{s.__name__}.{n}" for s, _, n in numeric_fields()],
)
def test_no_numeric_setting_accepts_a_negative_value(
    section: type[BaseModel], required: dict[str, object], name: str
) -> None:
    section(**required)  # the defaults are valid
    with pytest.raises(ValidationError):
        section(**required, **{name: -1})
