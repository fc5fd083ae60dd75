"""The HCL resolver: what Terraform would compute from the code, and honest unknowns."""

from __future__ import annotations

from pathlib import Path

import pytest

from ai_cost_policy.terraform.module import VarFile, VarValue, resolve_root_module
from ai_cost_policy.values import Known, Unknown

AGENT = """
resource "aws_bedrockagent_agent" "{name}" {{
  {provider}
  agent_name              = "{name}"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/x"
  foundation_model        = {model}
  {extra}
}}
"""


def agent(
    name="a", model='"anthropic.claude-3-haiku-20240307-v1:0"', provider="", extra=""
):
    return AGENT.format(name=name, model=model, provider=provider, extra=extra)


def write(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return directory


def resources(directory: Path, **kwargs):
    result = resolve_root_module(directory, **kwargs)
    assert result.errors == []
    return {resource.address: resource for resource in result.resources}


def tag_values(resource):
    return {
        key: tag.value.value if isinstance(tag.value, Known) else tag.value
        for key, tag in resource.tags.tags.items()
    }


def test_default_tags_follow_the_provider_alias_the_resource_names(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": """
provider "aws" {
  default_tags { tags = { owner = "default" } }
}
provider "aws" {
  alias = "eu"
  default_tags { tags = { owner = "eu-team" } }
}
"""
            + agent("on_alias", provider="provider = aws.eu")
            + agent("on_default")
        },
    )

    found = resources(tmp_path)

    assert tag_values(found["aws_bedrockagent_agent.on_alias"]) == {"owner": "eu-team"}
    assert tag_values(found["aws_bedrockagent_agent.on_default"]) == {
        "owner": "default"
    }
    source = found["aws_bedrockagent_agent.on_alias"].tags.tags["owner"].source
    assert source.startswith("default_tags of provider aws.eu at ")


def test_resource_tags_win_over_default_tags(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": """
provider "aws" {
  default_tags { tags = { owner = "default", cost-center = "cc-1000" } }
}
"""
            + agent(extra='tags = { owner = "resource" }')
        },
    )

    resource = resources(tmp_path)["aws_bedrockagent_agent.a"]

    assert tag_values(resource) == {"owner": "resource", "cost-center": "cc-1000"}


def test_variable_precedence_default_tfvars_auto_var_file_then_var(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": 'variable "owner" { default = "from-default" }\n'
            + agent(extra="tags = { owner = var.owner }"),
        },
    )

    def owner(**kwargs):
        resource = resources(tmp_path, **kwargs)["aws_bedrockagent_agent.a"]
        return tag_values(resource)["owner"]

    assert owner() == "from-default"
    write(tmp_path, {"terraform.tfvars": 'owner = "from-tfvars"\n'})
    assert owner() == "from-tfvars"
    write(tmp_path, {"b.auto.tfvars": 'owner = "from-auto"\n'})
    assert owner() == "from-auto"
    extra = write(tmp_path / "extra", {"x.tfvars": 'owner = "from-var-file"\n'})
    var_file = VarFile(extra / "x.tfvars")
    assert owner(assignments=[var_file]) == "from-var-file"
    assert owner(assignments=[var_file, VarValue("owner", "from-var")]) == "from-var"
    # Like Terraform, the later of --var and --var-file wins.
    assert owner(assignments=[VarValue("owner", "from-var"), var_file]) == (
        "from-var-file"
    )


def test_merge_keeps_known_keys_and_marks_the_unknown_part_hidden(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": """
variable "team" { type = map(string) }
locals { base = { cost-center = "cc-1234" } }
"""
            + agent(extra='tags = merge(var.team, local.base, { owner = "x" })')
        },
    )

    resource = resources(tmp_path)["aws_bedrockagent_agent.a"]

    assert tag_values(resource) == {"cost-center": "cc-1234", "owner": "x"}
    (hidden,) = resource.tags.hidden
    assert hidden.expression == "var.team"
    assert "no default" in hidden.reason


def test_a_reference_to_another_resource_is_unknown_not_guessed(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": agent(
                model="aws_bedrock_inference_profile.p.arn",
                extra="tags = { owner = aws_iam_role.r.name }",
            )
        },
    )

    resource = resources(tmp_path)["aws_bedrockagent_agent.a"]

    model = resource.models[0].written
    assert isinstance(model, Unknown)
    assert model.expression == "aws_bedrock_inference_profile.p.arn"
    assert isinstance(resource.tags.tags["owner"].value, Unknown)


def test_conditional_on_an_unknown_variable_is_unknown(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": """
variable "env" {}
"""
            + agent(model='var.env == "prod" ? "a.b-v1:0" : "c.d-v1:0"')
        },
    )

    resource = resources(tmp_path)["aws_bedrockagent_agent.a"]

    assert isinstance(resource.models[0].written, Unknown)


def test_interpolation_and_functions_are_evaluated(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": """
variable "n" { default = "42" }
locals { prefix = "cc" }
"""
            + agent(
                extra='tags = { cost-center = "${local.prefix}-00${var.n}", '
                'owner = lower("ML") }'
            )
        },
    )

    resource = resources(tmp_path)["aws_bedrockagent_agent.a"]

    assert tag_values(resource) == {"cost-center": "cc-0042", "owner": "ml"}


def test_count_and_for_each_give_terraform_instance_addresses(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": agent("counted", extra="count = 2")
            + agent(
                "each",
                extra='for_each = { eu = "x", us = "y" }\n'
                "tags = { owner = each.value }",
            )
        },
    )

    found = resources(tmp_path)

    assert sorted(found) == [
        "aws_bedrockagent_agent.counted[0]",
        "aws_bedrockagent_agent.counted[1]",
        'aws_bedrockagent_agent.each["eu"]',
        'aws_bedrockagent_agent.each["us"]',
    ]
    assert tag_values(found['aws_bedrockagent_agent.each["us"]']) == {"owner": "y"}


def test_local_module_gets_inputs_and_the_mapped_provider(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": """
provider "aws" {
  alias = "finops"
  default_tags { tags = { cost-center = "cc-7777" } }
}
module "ai" {
  source    = "./modules/ai"
  owner     = "search"
  providers = { aws = aws.finops }
}
""",
            "modules/ai/main.tf": 'variable "owner" {}\n'
            + agent(extra="tags = { owner = var.owner }"),
        },
    )

    found = resources(tmp_path)

    resource = found["module.ai.aws_bedrockagent_agent.a"]
    assert tag_values(resource) == {"cost-center": "cc-7777", "owner": "search"}


def test_remote_module_is_reported_as_not_scanned(tmp_path):
    write(tmp_path, {"main.tf": 'module "x" {\n  source = "hashicorp/foo/aws"\n}\n'})

    result = resolve_root_module(tmp_path)

    assert result.resources == []
    assert any("not scanned" in note for note in result.notes)


def test_template_directives_are_unknown_and_unicode_escapes_are_decoded(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": agent(
                extra=(
                    'tags = { cost-center = "cc-\\u0031234", '
                    'owner = "%{ if true }a%{ else }b%{ endif }", '
                    'literal = "%%{ not a directive }" }'
                )
            )
        },
    )

    values = tag_values(resources(tmp_path)["aws_bedrockagent_agent.a"])

    assert values["cost-center"] == "cc-1234"
    assert isinstance(values["owner"], Unknown)
    assert values["literal"] == "%{ not a directive }"


def test_tag_provenance_says_where_each_variable_was_set(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": 'variable "team" {}\nvariable "cc" { default = "cc-1" }\n'
            + agent(extra="tags = merge(var.team, { cost-center = var.cc })"),
            "terraform.tfvars": 'team = { owner = "ml" }\n',
        },
    )

    resource = resources(tmp_path)["aws_bedrockagent_agent.a"]

    source = resource.tags.tags["owner"].source
    assert f"var.team from {tmp_path / 'terraform.tfvars'}" in source
    assert f"var.cc from its default at {tmp_path / 'main.tf'}:2" in source


def test_a_known_conditional_binds_looser_than_comparison(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": 'variable "env" { default = "prod" }\n'
            + agent(
                "a",
                model='var.env == "prod" ? "a.b-v1:0" : "c.d-v1:0"',
                extra='tags = { environment = var.env != "prod" ? "bogus" : "prod" }',
            )
            + agent(
                "each",
                model='each.key == "x" ? "a.b-v1:0" : "c.d-v1:0"',
                extra='for_each = toset(["x", "y"])',
            )
        },
    )

    found = resources(tmp_path)

    assert found["aws_bedrockagent_agent.a"].models[0].written == Known("a.b-v1:0")
    assert tag_values(found["aws_bedrockagent_agent.a"]) == {"environment": "prod"}
    assert found['aws_bedrockagent_agent.each["x"]'].models[0].written == Known(
        "a.b-v1:0"
    )
    assert found['aws_bedrockagent_agent.each["y"]'].models[0].written == Known(
        "c.d-v1:0"
    )


def test_operators_follow_terraform_precedence_and_associativity(tmp_path):
    cases = {
        "mul_before_add": ("2 * 3 + 1", "7"),
        "left_to_right": ("10 - 4 - 3", "3"),
        "division": ("10 / 4", "2.5"),
        "whole_division": ("10 / 2", "5"),
        "remainder": ("7 % 4 * 2", "6"),
        "and_before_or": ("true || false && false", "true"),
        "or_then_and": ("(true || false) && false", "false"),
        "compare_before_and": ("1 < 2 && 3 >= 3", "true"),
        "arithmetic_before_compare": ("1 + 1 == 2", "true"),
        "not_binds_tight": ("!false == true", "true"),
        "negation": ("-2 * 3", "-6"),
        "nested_conditional": ('1 > 2 ? "a" : 2 > 1 ? "b" : "c"', "b"),
        "condition_with_or": ('false || true ? "yes" : "no"', "yes"),
        "bool_is_not_number": ("true == 1", "false"),
    }
    tags = ", ".join(f'{key} = "${{{text}}}"' for key, (text, _) in cases.items())
    write(tmp_path, {"main.tf": agent(extra=f"tags = {{ {tags} }}")})

    values = tag_values(resources(tmp_path)["aws_bedrockagent_agent.a"])

    assert values == {key: expected for key, (_, expected) in cases.items()}


def test_a_known_operand_decides_logic_only_when_it_settles_it(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": 'variable "on" {}\n'
            + agent(
                extra='tags = { a = false && var.on ? "x" : "y", '
                'b = var.on || true ? "x" : "y", c = var.on && true ? "x" : "y", '
                "d = 1 / 0 }"
            )
        },
    )

    values = tag_values(resources(tmp_path)["aws_bedrockagent_agent.a"])

    assert values["a"] == "y"
    assert values["b"] == "x"
    assert isinstance(values["c"], Unknown)
    assert isinstance(values["d"], Unknown)


PROMPT = """
resource "aws_bedrockagent_prompt" "p" {{
  name = "p"
  tags = {{ owner = "me" }}
  dynamic "variant" {{
    for_each = {for_each}
    content {{
      name          = "dynamic"
      model_id      = variant.value
      template_type = "TEXT"
    }}
  }}
  variant {{
    name          = "static"
    model_id      = "anthropic.claude-3-haiku-20240307-v1:0"
    template_type = "TEXT"
  }}
}}
"""


def test_a_dynamic_block_with_known_for_each_expands_beside_static_blocks(tmp_path):
    write(
        tmp_path,
        {"main.tf": PROMPT.format(for_each='["deepseek.r1-v1:0", "amazon.nova"]')},
    )

    prompt = resources(tmp_path)["aws_bedrockagent_prompt.p"]

    assert [slot.written for slot in prompt.models] == [
        Known("deepseek.r1-v1:0"),
        Known("amazon.nova"),
        Known("anthropic.claude-3-haiku-20240307-v1:0"),
    ]


def test_a_dynamic_block_with_unknown_for_each_gives_an_unknown_model(tmp_path):
    write(
        tmp_path,
        {"main.tf": 'variable "models" {}\n' + PROMPT.format(for_each="var.models")},
    )

    prompt = resources(tmp_path)["aws_bedrockagent_prompt.p"]

    dynamic, static = (slot.written for slot in prompt.models)
    assert isinstance(dynamic, Unknown)
    assert dynamic.expression == "var.models"
    assert static == Known("anthropic.claude-3-haiku-20240307-v1:0")


def test_a_dynamic_iterator_name_and_map_keys_are_followed(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": """
resource "aws_bedrockagent_prompt" "p" {
  name = "p"
  dynamic "variant" {
    for_each = { v1 = "amazon.nova" }
    iterator = model
    content {
      name          = model.key
      model_id      = model.value
      template_type = "TEXT"
    }
  }
}
"""
        },
    )

    prompt = resources(tmp_path)["aws_bedrockagent_prompt.p"]

    assert [slot.written for slot in prompt.models] == [Known("amazon.nova")]


DYNAMIC_DEFAULT_TAGS = """
variable "default_tags" {{
  type    = map(string)
  default = {{ cost-center = "cc-1234", owner = "platform" }}
}}
{declared}
provider "aws" {{
  dynamic "default_tags" {{
    for_each = {for_each}
    content {{
      tags = var.default_tags
    }}
  }}
}}
"""


def test_dynamic_default_tags_are_evaluated_when_for_each_is_known(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": DYNAMIC_DEFAULT_TAGS.format(
                declared="", for_each="length(var.default_tags) > 0 ? [1] : []"
            )
            + agent(extra='tags = { environment = "prod" }')
        },
    )

    resource = resources(tmp_path)["aws_bedrockagent_agent.a"]

    assert tag_values(resource) == {
        "cost-center": "cc-1234",
        "owner": "platform",
        "environment": "prod",
    }


def test_dynamic_default_tags_with_unknown_for_each_hide_the_defaults(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": DYNAMIC_DEFAULT_TAGS.format(
                declared='variable "on" { type = bool }',
                for_each="var.on ? [1] : []",
            )
            + agent(extra='tags = { environment = "prod" }')
        },
    )

    resource = resources(tmp_path)["aws_bedrockagent_agent.a"]

    assert tag_values(resource) == {"environment": "prod"}
    (hidden,) = resource.tags.hidden
    assert hidden.expression == 'dynamic "default_tags"'
    assert "var.on ? [1] : []" in hidden.reason


@pytest.mark.parametrize("aliased_first", [True, False])
def test_an_override_provider_block_merges_into_the_one_with_its_alias(
    tmp_path, aliased_first
):
    aliased = 'provider "aws" {\n  alias = "eu"\n}\n'
    default = 'provider "aws" {\n  region = "us-east-1"\n}\n'
    write(
        tmp_path,
        {
            "main.tf": (aliased + default if aliased_first else default + aliased)
            + agent("on_default")
            + agent("on_alias", provider="provider = aws.eu"),
            "override.tf": 'provider "aws" {\n'
            '  default_tags { tags = { owner = "default" } }\n}\n'
            'provider "aws" {\n  alias = "eu"\n'
            '  default_tags { tags = { owner = "eu" } }\n}\n',
        },
    )

    found = resources(tmp_path)

    assert tag_values(found["aws_bedrockagent_agent.on_default"]) == {
        "owner": "default"
    }
    assert tag_values(found["aws_bedrockagent_agent.on_alias"]) == {"owner": "eu"}


@pytest.mark.parametrize("heredoc", ["<<EOT\nhi\nEOT", "<<-EOT\n    hi\n  EOT"])
def test_crlf_line_endings_with_heredocs_parse_and_keep_line_numbers(tmp_path, heredoc):
    text = "\n\n" + agent(extra=f"description = {heredoc}\ntags = {{ owner = 1 }}")
    (tmp_path / "main.tf").write_bytes(text.replace("\n", "\r\n").encode())

    resource = resources(tmp_path)["aws_bedrockagent_agent.a"]

    assert resource.line == 4
    assert resource.tags.tags["owner"].source.endswith("main.tf:12")


def test_a_heredoc_is_a_known_string_with_flush_indentation_removed(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": 'variable "team" { default = "ml" }\n'
            + agent(
                model="<<EOT\nanthropic.claude-3-haiku-20240307-v1:0\nEOT",
                extra="tags = {\n"
                "plain = <<EOT\n  a\\n\n\n  b\nEOT\n"
                "flush = <<-EOT\n    a\n\n      b\n  EOT\n"
                "interpolated = <<-EOT\n    ${var.team}-$${x}\n    EOT\n"
                "}",
            )
        },
    )

    resource = resources(tmp_path)["aws_bedrockagent_agent.a"]

    assert resource.models[0].written == Known(
        "anthropic.claude-3-haiku-20240307-v1:0\n"
    )
    assert tag_values(resource) == {
        "plain": "  a\\n\n\n  b\n",
        "flush": "a\n\n  b\n",
        "interpolated": "ml-${x}\n",
    }


def test_for_expressions_over_known_collections_are_evaluated(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": """
variable "teams" { default = { ml = "cc-1", web = "cc-2" } }
variable "unset" {}
locals {
  upper_keys = { for k, v in var.teams : upper(k) => v if v != "cc-2" }
  codes      = [for v in var.teams : "${v}0"]
  firsts     = [for i, v in ["a", "b"] : v]
  grouped    = { for k, v in var.teams : v => k... }
  unknown    = [for v in var.unset : v]
}
"""
            + agent(
                extra="tags = merge(local.upper_keys, { codes = local.codes[1], "
                "first = local.firsts[0], grouped = local.grouped, "
                "unknown = local.unknown })"
            )
        },
    )

    values = tag_values(resources(tmp_path)["aws_bedrockagent_agent.a"])

    assert values["ML"] == "cc-1" and "WEB" not in values
    assert values["codes"] == "cc-20"
    assert values["first"] == "a"
    assert isinstance(values["grouped"], Unknown)
    assert isinstance(values["unknown"], Unknown)


def test_nested_dynamic_blocks_expand_to_a_bounded_number_of_blocks(tmp_path):
    from ai_cost_policy.terraform.expressions import Scope
    from ai_cost_policy.terraform.hcl import parse_file
    from ai_cost_policy.terraform.resources import MAX_DYNAMIC_BLOCKS, document

    # Two elements at each of 16 levels: 131,070 blocks if all were expanded.
    levels = 16
    nested = '  dynamic "x" {\n    for_each = [1, 2]\n    content {\n' * levels
    nested += "    }\n  }\n" * levels
    write(tmp_path, {"main.tf": agent().removesuffix("}\n") + nested + "}\n"})
    (block,) = parse_file(tmp_path / "main.tf", "main.tf").blocks

    def blocks(values):
        inner = values.get("x", [])
        return len(inner) + sum(blocks(item) for item in inner)

    values = document(block, Scope(variables={}))

    # Past the limit, each dynamic block left stands for its blocks once.
    assert blocks(values) <= MAX_DYNAMIC_BLOCKS + levels**2
    assert values["foundation_model"] == "anthropic.claude-3-haiku-20240307-v1:0"


def test_numbers_are_computed_and_printed_as_terraform_does(tmp_path):
    # Terraform computes with 512-bit binary floats and prints the shortest
    # decimal that reads back the same: 0.1 + 0.2 is exactly 0.3 there.
    cases = {
        "tenths": ("0.1 + 0.2", "0.3"),
        "half": ("7 / 2", "3.5"),
        "whole": ("1.5 * 2", "3"),
        "negative_remainder": ("-7 % 3", "-1"),
        "fraction_remainder": ("7.5 % 2", "1.5"),
        "same_number": ("2 == 2.0", "true"),
        "sum_equals_literal": ("0.1 + 0.2 == 0.3", "true"),
        "small": ("0.25 / 100", "0.0025"),
        "big_integer": ("4294967296 * 4294967296", "18446744073709551616"),
    }
    tags = ", ".join(f'{key} = "${{{text}}}"' for key, (text, _) in cases.items())
    third = '"${1 / 3}"'
    ninth = '"${0.3 + 0.6}"'
    write(
        tmp_path,
        {"main.tf": agent(extra=f"tags = {{ {tags}, third = {third}, n = {ninth} }}")},
    )

    values = tag_values(resources(tmp_path)["aws_bedrockagent_agent.a"])

    assert {key: values[key] for key in cases} == {
        key: expected for key, (_, expected) in cases.items()
    }
    # Rounded at 512 bits: 155 significant digits, as Terraform prints them.
    assert values["third"] == "0." + "3" * 154 + "5"
    # 0.3 and 0.6 round to neighbours whose sum is not the 512-bit 0.9.
    assert values["n"].startswith("0.9000000000") and values["n"] != "0.9"


def test_a_for_over_a_list_gives_indexes_and_over_a_set_its_values(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": """
variable "given" { default = ["p", "q"] }
locals {
  literal  = [for i, s in ["p", "q"] : "${i}${s}"]
  listed   = [for i, s in tolist(toset(["q", "p"])) : "${i}${s}"]
  set_keys = { for k, v in toset(["q", "p"]) : k => v }
  # A variable's declared type (set or list) is not read: its keys stay unknown.
  variable = [for i, s in var.given : "${i}${s}"]
  set_item = toset(["a"])[0]
}
"""
            + agent(
                extra="tags = { a = local.literal[1], b = local.listed[0], "
                "c = local.set_keys.q, d = local.variable[0], e = local.set_item }"
            )
        },
    )

    values = tag_values(resources(tmp_path)["aws_bedrockagent_agent.a"])

    assert values["a"] == "1q"
    assert values["b"] == "0p"
    assert values["c"] == "q"
    assert isinstance(values["d"], Unknown)
    assert values["d"].reason == "the key of a list that may be a set"
    assert isinstance(values["e"], Unknown)
    assert values["e"].reason == "a set has no index in Terraform"


def test_a_dynamic_block_read_by_its_label_when_it_names_an_iterator_is_unknown(
    tmp_path,
):
    write(
        tmp_path,
        {
            "main.tf": """
resource "aws_bedrockagent_prompt" "p" {
  name = "p"
  dynamic "variant" {
    for_each = ["amazon.nova", "amazon.titan"]
    iterator = v
    content {
      name          = "v${v.key}"
      model_id      = variant.value
      template_type = "TEXT"
    }
  }
}
"""
        },
    )

    prompt = resources(tmp_path)["aws_bedrockagent_prompt.p"]

    first, _ = (slot.written for slot in prompt.models)
    assert first == Unknown("variant.value", "'variant' is not a name defined here")


def test_a_local_is_evaluated_once_without_the_names_of_an_instance(tmp_path):
    # Terraform does not let a local read count or each; the same local serves
    # every instance.
    write(
        tmp_path,
        {
            "main.tf": 'locals {\n  name = "n-${count.index}"\n}\n'
            + agent(extra="count = 2\n  tags = { owner = local.name }")
        },
    )

    found = resources(tmp_path)

    for index in (0, 1):
        owner = tag_values(found[f"aws_bedrockagent_agent.a[{index}]"])["owner"]
        assert owner == Unknown(
            '"n-${count.index}"', "'count' is not a name defined here"
        )
