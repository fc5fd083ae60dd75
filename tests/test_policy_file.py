"""The policy file v1: loading, every kind of mistake, lookup, defaults, overrides."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from ai_cost_policy.policy import (
    DEFAULT_ANNOUNCEMENT,
    SCHEMA,
    PolicyError,
    apply_overrides,
    default_policy,
    find_policy,
    load_policy_file,
    load_policy_text,
    policy_to_dict,
)
from ai_cost_policy.policy.validation import BUILT_RULES, RULE_NAMES
from ai_cost_policy.rules import RULES

REPO = Path(__file__).resolve().parent.parent
FIXTURE_POLICY = REPO / "terraform_fixtures" / "ai-cost-policy.yaml"

# The example of DESIGN.md, "The policy file (v1)", verbatim.
DESIGN_EXAMPLE = """\
version: 1
tags:
  required:
    cost-center: {pattern: "cc-[0-9]{4}"}   # full match; lower case suits GCP \
labels too
    owner: {}
    environment: {allowed: [dev, staging, prod]}
  model_tag: ai-model              # the model-level cost tag; null turns rule 3 off
models:
  bedrock: {approved: ["anthropic.claude-sonnet-4-*", "amazon.titan-embed-text-v2:0"]}
  azure:   {approved: ["gpt-4o@2024-11-20", "text-embedding-3-large@*"]}
  vertex:  {approved: ["google/gemini-2.5-*"]}
  denied:  ["*deepseek*"]          # every platform; beats approved
unknown: warn                      # fail | warn | pass
rules:
  CKV_AICOST_3: {enforcement: advisory}
"""


def write(directory: Path, text: str, name: str = "ai-cost-policy.yaml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(text: str, source: str = "p.yaml") -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        load_policy_text(text, source)
    return caught.value


# --- what a valid file means ---------------------------------------------------


def test_design_example_loads_with_every_section(tmp_path: Path) -> None:
    policy = load_policy_file(write(tmp_path, DESIGN_EXAMPLE))

    tags = {requirement.key: requirement for requirement in policy.required_tags}
    assert list(tags) == ["cost-center", "owner", "environment"]
    assert tags["cost-center"].pattern is not None
    assert tags["cost-center"].pattern.fullmatch("cc-1234")
    assert not tags["cost-center"].pattern.fullmatch("cc-1234-extra")
    assert tags["owner"].constrained is False
    assert tags["environment"].allowed == ("dev", "staging", "prod")
    assert policy.model_tag == "ai-model"
    assert policy.approved == {
        "bedrock": ("anthropic.claude-sonnet-4-*", "amazon.titan-embed-text-v2:0"),
        "azure": ("gpt-4o@2024-11-20", "text-embedding-3-large@*"),
        "vertex": ("google/gemini-2.5-*",),
    }
    assert policy.denied == ("*deepseek*",)
    assert policy.unknown == "warn"
    assert policy.enforcement_of("CKV_AICOST_3") == "advisory"
    assert policy.enforcement_of("CKV_AICOST_1") == "mandatory"


def test_source_is_the_path_as_given(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path / "sub", "version: 1\n")
    monkeypatch.chdir(tmp_path)

    assert load_policy_file("sub/ai-cost-policy.yaml").source == (
        "sub/ai-cost-policy.yaml"
    )
    assert load_policy_file(Path("sub/../sub/ai-cost-policy.yaml")).source == (
        "sub/../sub/ai-cost-policy.yaml"
    )


def test_fixture_policy_governs_the_three_model_platforms() -> None:
    policy = load_policy_file(FIXTURE_POLICY)

    assert policy.governs("bedrock")
    assert policy.governs("azure")
    assert policy.governs("vertex")
    assert not policy.governs("sagemaker")
    assert policy.denied == ("*deepseek*",)


def test_omitted_keys_keep_the_embedded_defaults() -> None:
    policy = load_policy_text("version: 1\n", "p.yaml")
    default = default_policy()

    assert policy.required_tags == default.required_tags
    assert policy.model_tag == "ai-model"
    assert policy.approved == {}
    assert policy.unknown == "warn"
    assert policy.source == "p.yaml"


def test_model_tag_omitted_defaults_to_ai_model_even_when_tags_are_given() -> None:
    policy = load_policy_text("version: 1\ntags:\n  required: {team: {}}\n", "p")

    assert [requirement.key for requirement in policy.required_tags] == ["team"]
    assert policy.model_tag == "ai-model"


def test_model_tag_null_turns_rule_3_off() -> None:
    policy = load_policy_text("version: 1\ntags:\n  model_tag: null\n", "p.yaml")

    assert policy.model_tag is None


def test_empty_required_mapping_requires_no_tags() -> None:
    policy = load_policy_text("version: 1\ntags:\n  required: {}\n", "p.yaml")

    assert policy.required_tags == ()


def test_tag_written_without_constraint_requires_presence_only() -> None:
    policy = load_policy_text("version: 1\ntags:\n  required:\n    owner:\n", "p")

    assert [(r.key, r.constrained) for r in policy.required_tags] == [("owner", False)]


def test_tag_keys_stay_text_even_where_yaml_would_read_a_bool_or_number() -> None:
    text = "version: 1\ntags:\n  required:\n    on: {}\n    2024: {}\n"

    policy = load_policy_text(text, "p.yaml")

    assert [requirement.key for requirement in policy.required_tags] == ["on", "2024"]


def test_platform_without_approved_list_is_not_governed() -> None:
    text = "version: 1\nmodels:\n  bedrock: {}\n  azure:\n  vertex: {approved: []}\n"

    policy = load_policy_text(text, "p.yaml")

    assert not policy.governs("bedrock")
    assert not policy.governs("azure")
    # An empty list governs the platform and approves nothing.
    assert policy.approved == {"vertex": ()}


def test_bedrock_patterns_in_canonical_form_are_accepted() -> None:
    text = (
        "version: 1\nmodels:\n  bedrock:\n    approved:\n"
        "      - amazon.titan-embed-text-v2:0\n"
        "      - anthropic.claude-3-haiku-20240307-v1:0\n"
        "      - '*'\n"
    )

    assert load_policy_text(text, "p.yaml").governs("bedrock")


def test_aliases_may_share_a_list_between_platforms() -> None:
    text = (
        "version: 1\nmodels:\n"
        "  vertex: {approved: &claude ['anthropic/claude-sonnet-4-*']}\n"
        "  bedrock: {approved: ['anthropic.claude-sonnet-4-*']}\n"
        "  huggingface: {approved: *claude}\n"
    )

    policy = load_policy_text(text, "p.yaml")

    assert policy.approved["huggingface"] == ("anthropic/claude-sonnet-4-*",)


# --- every kind of mistake names file, line and key ---------------------------

MISTAKES = {
    "unknown_key_suggests_near_miss": (
        "version: 1\ntgas:\n  required: {}\n",
        "p.yaml:2: tgas: unknown key; did you mean 'tags'?",
    ),
    "nested_unknown_key_names_the_dotted_path": (
        "version: 1\ntags:\n  required:\n    cost-center: {patern: 'cc-.*'}\n",
        "p.yaml:4: tags.required.cost-center.patern: unknown key; "
        "did you mean 'pattern'?",
    ),
    "key_at_the_wrong_level_names_where_it_belongs": (
        "version: 1\nmodel_tag: ai-model\n",
        "p.yaml:2: model_tag: unknown key here; did you mean 'tags.model_tag'?",
    ),
    "unknown_key_without_near_miss_lists_the_valid_keys": (
        "version: 1\nmodels:\n  openai: {approved: []}\n",
        "p.yaml:3: models.openai: unknown key; expected one of: bedrock, azure, "
        "vertex, huggingface, sagemaker, denied",
    ),
    "wrong_type_names_what_was_expected_and_found": (
        "version: 1\ntags:\n  required: [owner]\n",
        "p.yaml:3: tags.required: expected a mapping, found a list",
    ),
    "yaml_boolean_where_text_is_expected_suggests_quotes": (
        "version: 1\ntags:\n  required:\n    backup: {allowed: [yes, no]}\n",
        "p.yaml:4: tags.required.backup.allowed[0]: expected a string, found true; "
        'write "yes" in quotes if you mean the text',
    ),
    "bad_unknown_value_suggests_near_miss": (
        "version: 1\nunknown: warning\n",
        "p.yaml:2: unknown: 'warning' is not one of: fail, warn, pass; "
        "did you mean 'warn'?",
    ),
    "bad_enforcement_lists_the_levels": (
        "version: 1\nrules:\n  CKV_AICOST_3:\n    enforcement: soft\n",
        "p.yaml:4: rules.CKV_AICOST_3.enforcement: 'soft' is not one of: "
        "mandatory, advisory",
    ),
    "reserved_rule_is_not_built_yet": (
        "version: 1\nrules:\n  CKV_AICOST_5: {enforcement: advisory}\n",
        "p.yaml:3: rules.CKV_AICOST_5: rule CKV_AICOST_5 (ai-capacity-guardrail) is "
        "not built yet; rules in this release: CKV_AICOST_1, CKV_AICOST_2, "
        "CKV_AICOST_3",
    ),
    "rule_outside_the_pack_is_unknown": (
        "version: 1\nrules:\n  CKV_AICOST_9: {enforcement: advisory}\n",
        "p.yaml:3: rules.CKV_AICOST_9: unknown rule; rules in this release: "
        "CKV_AICOST_1, CKV_AICOST_2, CKV_AICOST_3",
    ),
    "rule_id_near_miss_is_suggested": (
        "version: 1\nrules:\n  CKV_AICOST1: {enforcement: advisory}\n",
        "p.yaml:3: rules.CKV_AICOST1: unknown rule; did you mean 'CKV_AICOST_1'?",
    ),
    "pulumi_policy_name_as_rule_key_suggests_the_checkov_id": (
        "version: 1\nrules:\n  ai-model-cost-tag: {enforcement: advisory}\n",
        "p.yaml:3: rules.ai-model-cost-tag: rules are keyed by Checkov ID; did you "
        "mean 'CKV_AICOST_3'? (rules in this release: CKV_AICOST_1, CKV_AICOST_2, "
        "CKV_AICOST_3)",
    ),
    "duplicate_key_names_both_lines": (
        "version: 1\ntags:\n  required:\n    owner: {}\n    owner: {}\n",
        "p.yaml:5: tags.required.owner: duplicate key (first at line 4); YAML would "
        "silently keep only the last one",
    ),
    "other_version_is_refused": (
        "version: 2\n",
        "p.yaml:1: version: this release reads policy version 1, found the number 2",
    ),
    "missing_version_is_refused": (
        "unknown: warn\n",
        "p.yaml:1: version: missing (add 'version: 1' as the first line)",
    ),
    "invalid_regular_expression_names_the_pattern_key": (
        "version: 1\ntags:\n  required:\n    cost-center:\n      pattern: 'cc-[0-9'\n",
        "p.yaml:5: tags.required.cost-center.pattern: invalid regular expression: "
        "unterminated character set at position 3",
    ),
    "allowed_value_that_fails_its_pattern_is_refused": (
        "version: 1\ntags:\n  required:\n"
        "    env: {pattern: '[a-z]+', allowed: [dev, Prod]}\n",
        "p.yaml:4: tags.required.env.allowed[1]: 'Prod' does not match the pattern "
        "'[a-z]+', so no tag could have it (when both are given, both apply)",
    ),
    "empty_allowed_list_is_refused": (
        "version: 1\ntags:\n  required:\n    env:\n      allowed: []\n",
        "p.yaml:5: tags.required.env.allowed: must list at least one value; an "
        "empty list would allow none (leave the key out to accept any value)",
    ),
    "empty_tag_key_is_refused": (
        "version: 1\ntags:\n  required:\n    '': {}\n",
        "p.yaml:4: tags.required: a key must not be empty",
    ),
    "empty_model_tag_is_refused": (
        "version: 1\ntags:\n  model_tag: ''\n",
        "p.yaml:3: tags.model_tag: must not be empty",
    ),
    "repeated_pattern_names_the_second_occurrence": (
        "version: 1\nmodels:\n  denied:\n    - '*deepseek*'\n    - '*deepseek*'\n",
        "p.yaml:5: models.denied[1]: lists '*deepseek*' more than once",
    ),
    "geo_prefixed_bedrock_pattern_would_never_match": (
        "version: 1\nmodels:\n  bedrock:\n    approved: ['us.anthropic.claude-*']\n",
        "p.yaml:4: models.bedrock.approved[0]: 'us.anthropic.claude-*' never "
        "matches: Bedrock model IDs are compared without the geo prefix 'us.'; "
        "write 'anthropic.claude-*'",
    ),
    "bedrock_arn_pattern_would_never_match": (
        "version: 1\nmodels:\n  bedrock:\n    approved:\n"
        "      - arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2\n",
        "p.yaml:5: models.bedrock.approved[0]: "
        "'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2' never "
        "matches: Bedrock model IDs are compared in canonical form; write "
        "'anthropic.claude-v2'",
    ),
    "not_yaml_names_the_line": (
        "version: 1\ntags: {required: {owner: {}}\nunknown: warn\n",
        "p.yaml:3: not valid YAML: expected ',' or '}', but got '<scalar>' (while "
        "parsing a flow mapping at line 2)",
    ),
    "tab_indentation_names_the_line": (
        "version: 1\ntags:\n\trequired: {}\n",
        "p.yaml:3: not valid YAML: found character '\\t' that cannot start any token "
        "(while scanning for the next token)",
    ),
    "several_documents_are_refused": (
        "version: 1\n---\nversion: 1\n",
        "p.yaml:2: not valid YAML: expected a single document in the stream, but "
        "found another document",
    ),
    "top_level_list_is_refused": (
        "- version: 1\n",
        "p.yaml:1: a policy file is a mapping of keys (version, tags, models, "
        "unknown, rules); start it with 'version: 1'",
    ),
    "python_tag_is_refused": (
        "version: 1\ntags: !!python/object:os.system {}\n",
        "p.yaml:2: tags: YAML tag '!!python/object:os.system' is not supported here",
    ),
    "merge_key_is_refused": (
        "version: 1\nshared: &x {owner: {}}\ntags:\n  required:\n    <<: *x\n",
        "p.yaml:5: tags.required: YAML merge keys ('<<') are not supported; repeat "
        "the keys or use an alias for the whole value",
    ),
    "huge_number_does_not_leak_python_wording": (
        "version: " + "9" * 5000 + "\n",
        "p.yaml:1: version: cannot read this value: a number too large to read",
    ),
}


@pytest.mark.parametrize("text, expected", MISTAKES.values(), ids=MISTAKES.keys())
def test_mistake_is_reported_with_file_line_key_and_message(
    text: str, expected: str
) -> None:
    assert str(error_of(text)) == expected


@pytest.mark.parametrize("key", ["sunset", "exceptions", "scopes", "guardrails"])
def test_keys_not_built_yet_are_errors(key: str) -> None:
    error = error_of(f"version: 1\n{key}:\n  anything: 1\n")

    assert (error.file, error.line, error.key) == ("p.yaml", 2, key)
    assert error.message == f"'{key}' is not available in policy version 1 yet"


def test_unknown_key_names_file_line_and_suggests_near_miss(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\ntags:\n  required: {}\n  modle_tag: x\n")

    with pytest.raises(PolicyError) as caught:
        load_policy_file(path)

    error = caught.value
    assert (error.file, error.line, error.key) == (str(path), 4, "tags.modle_tag")
    assert error.message == "unknown key; did you mean 'model_tag'?"


def test_several_mistakes_are_all_kept_in_file_order() -> None:
    error = error_of(
        "version: 1\nunknown: maybe\ntgas: {}\nrules: {CKV_AICOST_7: {}}\n"
    )

    assert [(problem.line, problem.key) for problem in error.all()] == [
        (2, "unknown"),
        (3, "tgas"),
        (4, "rules.CKV_AICOST_7"),
    ]
    assert str(error) == "p.yaml:2: unknown: 'maybe' is not one of: fail, warn, pass"


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file_is_an_error(text: str) -> None:
    assert str(error_of(text)) == (
        "p.yaml: the policy file is empty; start it with 'version: 1'"
    )


def test_file_over_one_mib_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\n" + "#" * (1024 * 1024) + "\n")

    with pytest.raises(PolicyError, match="larger than 1 MiB"):
        load_policy_file(path)


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    started = time.monotonic()

    error = error_of("\n".join(lines) + "\n")

    assert time.monotonic() - started < 5
    assert "values once YAML aliases are expanded" in error.message


def test_recursive_alias_is_refused() -> None:
    error = error_of("version: 1\nmodels:\n  denied: &loop [*loop]\n")

    assert error.line == 3
    assert error.message == "a YAML alias refers to a value that holds it"


def test_deeply_nested_yaml_is_refused_without_a_traceback() -> None:
    error = error_of("version: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n")

    assert "nested too deeply" in error.message


def test_missing_file_is_an_error_naming_the_path(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy_file(tmp_path / "nope.yaml")

    assert str(caught.value) == f"{tmp_path / 'nope.yaml'}: no such file"


def test_file_that_is_not_utf8_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "ai-cost-policy.yaml"
    path.write_bytes(b"version: 1\nunknown: w\xe4rn\n")

    with pytest.raises(PolicyError) as caught:
        load_policy_file(path)

    assert (caught.value.line, caught.value.message) == (2, "not UTF-8 text")


def test_error_rendering_leaves_out_what_is_not_known() -> None:
    assert str(PolicyError("f.yaml", "m", 3, "a.b")) == "f.yaml:3: a.b: m"
    assert str(PolicyError("f.yaml", "m", None, "a.b")) == "f.yaml: a.b: m"
    assert str(PolicyError("f.yaml", "m", 3)) == "f.yaml:3: m"
    assert str(PolicyError("f.yaml", "m")) == "f.yaml: m"


# --- lookup order ----------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root (holding .git) as the working directory."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    return root


def test_explicit_file_beats_environment_and_nearest_file(repo: Path) -> None:
    write(repo, "version: 1\nunknown: pass\n")
    env_file = write(repo / "env", "version: 1\nunknown: fail\n", "env.yaml")
    explicit = write(repo / "cfg", "version: 1\nunknown: warn\n", "explicit.yaml")

    policy, announcement = find_policy(
        ["."], explicit=explicit, environ={"AI_COST_POLICY_CONFIG": str(env_file)}
    )

    assert (policy.source, policy.unknown, announcement) == (
        str(explicit),
        "warn",
        None,
    )


def test_environment_variable_beats_nearest_file(repo: Path) -> None:
    write(repo, "version: 1\nunknown: pass\n")
    env_file = write(repo / "env", "version: 1\nunknown: fail\n", "env.yaml")

    policy, _ = find_policy(["."], environ={"AI_COST_POLICY_CONFIG": str(env_file)})

    assert (policy.source, policy.unknown) == (str(env_file), "fail")


def test_nearest_file_upwards_from_the_scanned_path_is_used(repo: Path) -> None:
    write(repo, "version: 1\nunknown: pass\n")
    write(repo / "infra", "version: 1\nunknown: fail\n")
    (repo / "infra" / "ai" / "module").mkdir(parents=True)

    policy, announcement = find_policy(["infra/ai/module"], environ={})

    assert (policy.source, policy.unknown, announcement) == (
        "infra/ai-cost-policy.yaml",
        "fail",
        None,
    )


def test_scanned_file_looks_up_from_its_directory(repo: Path) -> None:
    write(repo / "plans", "version: 1\nunknown: fail\n")
    (repo / "plans" / "tfplan.json").write_text("{}", encoding="utf-8")

    policy, _ = find_policy(["plans/tfplan.json"], environ={})

    assert policy.source == "plans/ai-cost-policy.yaml"


def test_lookup_stops_at_the_repository_root(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, "version: 1\nunknown: fail\n")  # above the repository: ignored
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "infra").mkdir()
    monkeypatch.chdir(tmp_path / "repo")

    policy, announcement = find_policy(["infra"], environ={})

    assert policy.source == "embedded default"
    assert announcement == DEFAULT_ANNOUNCEMENT


def test_file_at_the_repository_root_is_found(repo: Path) -> None:
    write(repo, "version: 1\nunknown: fail\n")
    (repo / "a" / "b").mkdir(parents=True)

    policy, _ = find_policy(["a/b"], environ={})

    assert policy.source == "ai-cost-policy.yaml"


def test_paths_sharing_one_file_use_it(repo: Path) -> None:
    write(repo, "version: 1\nunknown: fail\n")
    (repo / "a").mkdir()
    (repo / "b").mkdir()

    policy, _ = find_policy(["a", "b"], environ={})

    assert policy.source == "ai-cost-policy.yaml"


def test_paths_governed_by_different_files_are_an_error(repo: Path) -> None:
    write(repo / "a", "version: 1\n")
    write(repo / "b", "version: 1\n")
    (repo / "c").mkdir()

    with pytest.raises(PolicyError) as caught:
        find_policy(["a", "b", "c"], environ={})

    assert str(caught.value) == (
        "a/ai-cost-policy.yaml: the scanned paths are governed by different "
        "policies: a -> a/ai-cost-policy.yaml; b -> b/ai-cost-policy.yaml; c -> no "
        "policy file (embedded default). Scan them separately, or name one policy "
        "with --config or AI_COST_POLICY_CONFIG"
    )


def test_no_file_anywhere_gives_the_announced_default(repo: Path) -> None:
    policy, announcement = find_policy([], environ={})

    assert policy == default_policy()
    assert announcement == DEFAULT_ANNOUNCEMENT


def test_missing_explicit_file_is_an_error_naming_the_option(repo: Path) -> None:
    with pytest.raises(PolicyError) as caught:
        find_policy(["."], explicit="nope.yaml", environ={})

    assert str(caught.value) == "nope.yaml: no such file (named by --config)"


def test_missing_environment_file_is_an_error_naming_the_variable(repo: Path) -> None:
    with pytest.raises(PolicyError) as caught:
        find_policy(["."], environ={"AI_COST_POLICY_CONFIG": "gone.yaml"})

    assert str(caught.value) == (
        "gone.yaml: no such file (named by AI_COST_POLICY_CONFIG)"
    )


def test_invalid_nearest_file_is_an_error_not_a_fallback(repo: Path) -> None:
    write(repo, "version: 1\nunknwon: warn\n")

    with pytest.raises(PolicyError) as caught:
        find_policy(["."], environ={})

    assert str(caught.value) == (
        "ai-cost-policy.yaml:2: unknwon: unknown key; did you mean 'unknown'?"
    )


# --- the embedded default -----------------------------------------------------------


def test_default_requires_owner_and_cost_center_and_governs_no_platform() -> None:
    policy = default_policy()

    assert [requirement.key for requirement in policy.required_tags] == [
        "cost-center",
        "owner",
    ]
    assert not any(requirement.constrained for requirement in policy.required_tags)
    assert policy.model_tag == "ai-model"
    assert policy.approved == {}
    assert policy.denied == ()
    assert policy.unknown == "warn"
    assert policy.source == "embedded default"


def test_default_announcement_says_what_the_default_does_and_how_to_change_it() -> None:
    policy = default_policy()

    for requirement in policy.required_tags:
        assert requirement.key in DEFAULT_ANNOUNCEMENT
    assert f"model tag {policy.model_tag}" in DEFAULT_ANNOUNCEMENT
    assert "no platform is governed" in DEFAULT_ANNOUNCEMENT
    assert f"unknown: {policy.unknown}" in DEFAULT_ANNOUNCEMENT
    assert "ai-cost-policy config init" in DEFAULT_ANNOUNCEMENT
    assert all(len(line) <= 88 for line in DEFAULT_ANNOUNCEMENT.splitlines())


def test_schema_defaults_match_the_embedded_default() -> None:
    properties = SCHEMA["properties"]
    document = policy_to_dict(default_policy())

    assert (
        properties["tags"]["properties"]["required"]["default"]
        == (document["tags"]["required"])
    )
    assert (
        properties["tags"]["properties"]["model_tag"]["default"]
        == (document["tags"]["model_tag"])
    )
    assert properties["unknown"]["default"] == document["unknown"]


# --- overrides (Pulumi --policy-pack-config) -----------------------------------------


def test_override_replaces_only_the_sections_it_names() -> None:
    policy = load_policy_file(FIXTURE_POLICY)

    changed = apply_overrides(
        policy,
        {"unknown": "fail", "tags": {"required": {"team": {}}}},
        "pack config",
    )

    assert changed.unknown == "fail"
    assert [requirement.key for requirement in changed.required_tags] == ["team"]
    assert changed.model_tag == policy.model_tag
    assert changed.approved == policy.approved
    assert changed.denied == policy.denied
    assert changed.source == f"{FIXTURE_POLICY}, overridden by pack config"


def test_override_replaces_models_per_platform() -> None:
    policy = load_policy_text(DESIGN_EXAMPLE, "p.yaml")

    changed = apply_overrides(
        policy, {"models": {"azure": {"approved": ["gpt-4o@*"]}}}, "pack config"
    )

    assert changed.approved["azure"] == ("gpt-4o@*",)
    assert changed.approved["bedrock"] == policy.approved["bedrock"]
    assert changed.denied == policy.denied


def test_override_of_one_rule_keeps_the_others() -> None:
    policy = load_policy_text(
        "version: 1\nrules:\n  CKV_AICOST_1: {enforcement: advisory}\n", "p.yaml"
    )

    changed = apply_overrides(
        policy, {"rules": {"CKV_AICOST_3": {"enforcement": "advisory"}}}, "cfg"
    )

    assert changed.enforcement_of("CKV_AICOST_1") == "advisory"
    assert changed.enforcement_of("CKV_AICOST_3") == "advisory"
    assert changed.enforcement_of("CKV_AICOST_2") == "mandatory"


def test_override_model_tag_null_turns_rule_3_off() -> None:
    changed = apply_overrides(default_policy(), {"tags": {"model_tag": None}}, "cfg")

    assert changed.model_tag is None
    assert changed.required_tags == default_policy().required_tags


def test_empty_override_changes_nothing() -> None:
    policy = default_policy()

    assert apply_overrides(policy, {}, "cfg") is policy


@pytest.mark.parametrize(
    "overrides, expected",
    [
        (
            {"unknown": "never"},
            "pack config: unknown: 'never' is not one of: fail, warn, pass",
        ),
        (
            {"tags": {"required": {"cc": {"pattern": "("}}}},
            "pack config: tags.required.cc.pattern: invalid regular expression: "
            "missing ), unterminated subpattern at position 0",
        ),
        (
            {"modles": {}},
            "pack config: modles: unknown key; did you mean 'models'?",
        ),
        (
            {"guardrails": {}},
            "pack config: guardrails: 'guardrails' is not available in policy "
            "version 1 yet",
        ),
    ],
)
def test_invalid_override_names_the_source_and_key(
    overrides: dict, expected: str
) -> None:
    with pytest.raises(PolicyError) as caught:
        apply_overrides(default_policy(), overrides, "pack config")

    assert str(caught.value) == expected


# --- policy_to_dict, schema and rule table --------------------------------------------


def test_effective_policy_dict_loads_back_to_the_same_policy(tmp_path: Path) -> None:
    policy = load_policy_text(DESIGN_EXAMPLE, "p.yaml")
    document = policy_to_dict(policy)

    again = load_policy_file(write(tmp_path, yaml.safe_dump(document, sort_keys=False)))

    assert policy_to_dict(again) == document
    assert again.required_tags == policy.required_tags


def test_effective_policy_dict_spells_out_every_built_rule() -> None:
    document = policy_to_dict(load_policy_text(DESIGN_EXAMPLE, "p.yaml"))

    assert document["rules"] == {
        "CKV_AICOST_1": {"enforcement": "mandatory"},
        "CKV_AICOST_2": {"enforcement": "mandatory"},
        "CKV_AICOST_3": {"enforcement": "advisory"},
    }


def test_schema_is_valid_and_accepts_the_fixture_and_design_example() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    validator = Draft202012Validator(SCHEMA)

    for text in (FIXTURE_POLICY.read_text(encoding="utf-8"), DESIGN_EXAMPLE):
        assert list(validator.iter_errors(yaml.safe_load(text))) == []


def test_rule_table_is_in_step_with_the_built_rules() -> None:
    assert BUILT_RULES == tuple(rule.id for rule in RULES)
    assert all(RULE_NAMES[rule.id] == rule.pulumi_name for rule in RULES)
    schema_rules = SCHEMA["properties"]["rules"]["properties"]
    assert set(schema_rules) == set(RULE_NAMES)


def test_a_lone_surrogate_escape_is_an_error_naming_its_key() -> None:
    error = error_of(
        'version: 1\ntags:\n  required:\n    owner: {pattern: "\\ud800"}\n'
    )

    assert error.line == 4
    assert error.key == "tags.required.owner.pattern"
    assert error.message == "not valid Unicode text (a lone surrogate escape)"
