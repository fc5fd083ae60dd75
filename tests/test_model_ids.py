"""Every documented model-ID form of every platform normalises to its canonical ID.

One table per platform, each row named after the written form it proves, then the
forms that name no model and must say why. Property tests (hypothesis) cover what no
table can: normalising a canonical ID again gives the same ID, no text makes a
normaliser raise, canonical IDs are lower-case, and '@' versions are split the same
way whichever form carries them.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_cost_policy.models import normalise
from ai_cost_policy.models.azure import from_parts

PLATFORMS = ("bedrock", "azure", "vertex", "huggingface", "sagemaker")
DOC = Path(__file__).resolve().parent.parent / "docs" / "models.md"
# No deadline: these properties are about values, and CI machines vary in speed.
PROPERTY = settings(max_examples=300, deadline=None)

LLAMA_JUMPSTART = "meta-textgeneration-llama-3-1-8b-instruct"
PUBLIC_HUB = "arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model"


def form(name, written, canonical, attributes=None, platform=None):
    return pytest.param(written, canonical, attributes or {}, platform, id=name)


AZURE = [
    form("name@version", "gpt-4o@2024-11-20", "gpt-4o@2024-11-20"),
    form("mixed case", "Phi-4@7", "phi-4@7"),
    form("numeric version", "text-embedding-ada-002@2", "text-embedding-ada-002@2"),
    form("bare name is unversioned", "gpt-4o", "gpt-4o@"),
    form("unversioned canonical", "gpt-4o@", "gpt-4o@"),
    form(
        "surrounding whitespace",
        "  gpt-4.1-mini@2025-04-14 ",
        "gpt-4.1-mini@2025-04-14",
    ),
    form(
        "registry asset id",
        "azureml://registries/azure-openai/models/gpt-35-turbo/versions/3",
        "gpt-35-turbo@3",
        {"registry": "azure-openai"},
    ),
]

VERTEX = [
    form("short google name", "gemini-2.5-flash", "google/gemini-2.5-flash"),
    form(
        "short name, stable suffix",
        "gemini-2.0-flash-001",
        "google/gemini-2.0-flash-001",
    ),
    form("short embedding name", "text-embedding-005", "google/text-embedding-005"),
    form(
        "short multilingual embedding",
        "text-multilingual-embedding-002",
        "google/text-multilingual-embedding-002",
    ),
    form(
        "short gemini embedding", "gemini-embedding-001", "google/gemini-embedding-001"
    ),
    form("short gemma name", "gemma-2b", "google/gemma-2b"),
    form(
        "short imagen name", "imagen-3.0-generate-002", "google/imagen-3.0-generate-002"
    ),
    form(
        "short multimodal embedding with @",
        "multimodalembedding@001",
        "google/multimodalembedding@001",
    ),
    form(
        "partner id with @date",
        "claude-sonnet-4-5@20250929",
        "anthropic/claude-sonnet-4-5@20250929",
    ),
    form(
        "partner id, older",
        "claude-3-5-sonnet-v2@20241022",
        "anthropic/claude-3-5-sonnet-v2@20241022",
    ),
    form(
        "publisher model name",
        "publishers/google/models/gemma@gemma-1.1-2b-it",
        "google/gemma@gemma-1.1-2b-it",
    ),
    form(
        "publisher model name, partner",
        "publishers/meta/models/llama3-2@llama-3.2-1b",
        "meta/llama3-2@llama-3.2-1b",
    ),
    form(
        "full resource name",
        "projects/my-project-name/locations/us-central1/publishers/google/models/"
        "gemini-2.5-flash",
        "google/gemini-2.5-flash",
        {"project": "my-project-name", "location": "us-central1"},
    ),
    form(
        "org-policy value with action",
        "publishers/google/models/gemini-2.0-flash-001:predict",
        "google/gemini-2.0-flash-001",
        {"action": "predict"},
    ),
    form(
        "org-policy value, deploy",
        "publishers/meta/models/llama3:deploy",
        "meta/llama3",
        {"action": "deploy"},
    ),
    form(
        "canonical",
        "anthropic/claude-opus-4-1@20250805",
        "anthropic/claude-opus-4-1@20250805",
    ),
    form(
        "hugging face publisher",
        "publishers/hf-google/models/gemma-2b@001",
        "huggingface/google/gemma-2b",
        {"source": "vertex", "publisher": "hf-google", "version": "001"},
        "huggingface",
    ),
    form(
        "hugging face org-policy value",
        "publishers/hf-google/models/gemma-2b:deploy",
        "huggingface/google/gemma-2b",
        {"action": "deploy", "publisher": "hf-google"},
        "huggingface",
    ),
    form(
        "hugging face canonical",
        "huggingface/qwen/qwen3-0.6b",
        "huggingface/qwen/qwen3-0.6b",
        {},
        "huggingface",
    ),
]

HUGGINGFACE = [
    form(
        "hub id", "Qwen/Qwen3-0.6B", "huggingface/qwen/qwen3-0.6b", {"source": "hub id"}
    ),
    form(
        "HF_MODEL_ID value",
        "meta-llama/Meta-Llama-3.1-8B-Instruct",
        "huggingface/meta-llama/meta-llama-3.1-8b-instruct",
    ),
    form(
        "canonical",
        "huggingface/qwen/qwen3-0.6b",
        "huggingface/qwen/qwen3-0.6b",
        {"source": "canonical"},
    ),
    form(
        "author named huggingface",
        "huggingface/CodeBERTa-small-v1",
        "huggingface/huggingface/codeberta-small-v1",
        {"source": "hub id"},
    ),
    form(
        "hf.co",
        "hf.co/Qwen/Qwen3-0.6B",
        "huggingface/qwen/qwen3-0.6b",
        {"source": "hf.co"},
    ),
    form(
        "hub url",
        "https://huggingface.co/Qwen/Qwen3-0.6B",
        "huggingface/qwen/qwen3-0.6b",
        {"source": "https://huggingface.co"},
    ),
    form(
        "hub url, trailing slash",
        "https://huggingface.co/Qwen/Qwen3-0.6B/",
        "huggingface/qwen/qwen3-0.6b",
    ),
    form(
        "vertex hugging face publisher",
        "publishers/hf-google/models/gemma-2b@001",
        "huggingface/google/gemma-2b",
        {"source": "vertex", "version": "001"},
    ),
]

SAGEMAKER = [
    form(
        "public hub content arn",
        f"{PUBLIC_HUB}/{LLAMA_JUMPSTART}",
        f"jumpstart/{LLAMA_JUMPSTART}",
        {"partition": "aws", "region": "us-east-1"},
    ),
    form(
        "public hub content arn with version",
        f"{PUBLIC_HUB}/{LLAMA_JUMPSTART}/2.0.1",
        f"jumpstart/{LLAMA_JUMPSTART}",
        {"hub_content_version": "2.0.1"},
    ),
    form(
        "govcloud partition",
        "arn:aws-us-gov:sagemaker:us-gov-west-1:aws:hub-content/SageMakerPublicHub/"
        f"Model/{LLAMA_JUMPSTART}",
        f"jumpstart/{LLAMA_JUMPSTART}",
        {"partition": "aws-us-gov"},
    ),
    form(
        "jumpstart id", f"jumpstart/{LLAMA_JUMPSTART}", f"jumpstart/{LLAMA_JUMPSTART}"
    ),
]

TABLES = {
    "azure": AZURE,
    "vertex": VERTEX,
    "huggingface": HUGGINGFACE,
    "sagemaker": SAGEMAKER,
}


def check_form(platform, written, canonical, attributes, result_platform):
    model = normalise(platform, written)

    assert model.canonical == canonical, model.opaque_reason
    assert model.platform == (result_platform or platform)
    assert attributes.items() <= model.attributes.items()
    assert model.written == written
    assert normalise(model.platform, canonical).canonical == canonical


@pytest.mark.parametrize(("written", "canonical", "attributes", "platform"), AZURE)
def test_azure_written_forms(written, canonical, attributes, platform):
    check_form("azure", written, canonical, attributes, platform)


@pytest.mark.parametrize(("written", "canonical", "attributes", "platform"), VERTEX)
def test_vertex_written_forms(written, canonical, attributes, platform):
    check_form("vertex", written, canonical, attributes, platform)


@pytest.mark.parametrize(
    ("written", "canonical", "attributes", "platform"), HUGGINGFACE
)
def test_huggingface_written_forms(written, canonical, attributes, platform):
    check_form("huggingface", written, canonical, attributes, platform)


@pytest.mark.parametrize(("written", "canonical", "attributes", "platform"), SAGEMAKER)
def test_sagemaker_written_forms(written, canonical, attributes, platform):
    check_form("sagemaker", written, canonical, attributes, platform)


BLOCKS = [
    pytest.param(
        ("gpt-4o", "2024-11-20", "OpenAI", None, "GlobalStandard"),
        "gpt-4o@2024-11-20",
        "gpt-4o (version 2024-11-20, format OpenAI)",
        {"format": "OpenAI", "sku": "GlobalStandard"},
        id="pinned openai model",
    ),
    pytest.param(
        ("gpt-4o", None, "OpenAI", None, None),
        "gpt-4o@",
        "gpt-4o (no version, format OpenAI)",
        {"format": "OpenAI"},
        id="version not set floats",
    ),
    pytest.param(
        ("gpt-4o", "", "OpenAI", None, None),
        "gpt-4o@",
        "gpt-4o (no version, format OpenAI)",
        {},
        id="empty version floats",
    ),
    pytest.param(
        ("Phi-4", "7", "Microsoft", "Microsoft", None),
        "phi-4@7",
        "Phi-4 (version 7, format Microsoft)",
        {"publisher": "Microsoft"},
        id="publisher same as format is not repeated",
    ),
    pytest.param(
        ("DeepSeek-R1", "1", None, None, None),
        "deepseek-r1@1",
        "DeepSeek-R1 (version 1)",
        {},
        id="no format",
    ),
]


@pytest.mark.parametrize(("parts", "canonical", "written", "attributes"), BLOCKS)
def test_azure_model_block(parts, canonical, written, attributes):
    model = from_parts(*parts)

    assert model.platform == "azure"
    assert model.canonical == canonical
    assert model.written == written
    assert attributes.items() <= model.attributes.items()


def test_azure_model_block_number_version_is_read_as_text():
    # Pulumi inputs and plan JSON may hand over version = 2 as a number.
    assert from_parts("text-embedding-ada-002", 2).canonical == (
        "text-embedding-ada-002@2"
    )


OPAQUE = [
    pytest.param("azure", "", "empty", id="azure empty"),
    pytest.param("azure", "azureml:my-model:1", "asset ID", id="azure workspace asset"),
    pytest.param(
        "azure",
        "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.MachineLearningServices"
        "/workspaces/ws/models/m/versions/1",
        "resource ID",
        id="azure arm resource id",
    ),
    pytest.param(
        "vertex",
        "llama3",
        "cannot be inferred",
        id="vertex short name, publisher unknown",
    ),
    pytest.param(
        "vertex",
        "projects/p/locations/us-central1/endpoints/1234567890",
        "not a publisher model",
        id="vertex endpoint resource name",
    ),
    pytest.param(
        "vertex", "publishers/google/gemini", "expected", id="vertex malformed path"
    ),
    pytest.param("huggingface", "gpt2", "names its author", id="huggingface no author"),
    pytest.param(
        "huggingface",
        "https://huggingface.co/datasets/squad",
        "data set",
        id="huggingface dataset url",
    ),
    pytest.param(
        "huggingface",
        "https://huggingface.co/Qwen/Qwen3-0.6B/tree/main",
        "expected",
        id="huggingface url deeper than the model",
    ),
    pytest.param(
        "huggingface",
        "publishers/google/models/gemma",
        "not from Hugging Face",
        id="huggingface vertex google publisher",
    ),
    pytest.param(
        "sagemaker",
        "763104351884.dkr.ecr.us-east-1.amazonaws.com/"
        "huggingface-pytorch-tgi-inference:2.1.1",
        "inventory only",
        id="sagemaker image uri",
    ),
    pytest.param(
        "sagemaker",
        "s3://my-bucket/model.tar.gz",
        "inventory only",
        id="sagemaker s3 model data",
    ),
    pytest.param(
        "sagemaker",
        "arn:aws:sagemaker:us-east-1:123456789012:model-package/my-group/1",
        "inventory only",
        id="sagemaker model package",
    ),
    pytest.param(
        "sagemaker",
        "arn:aws:sagemaker:us-east-1:123456789012:hub-content/MyHub/Model/my-llm",
        "SageMakerPublicHub",
        id="sagemaker private hub content",
    ),
]


@pytest.mark.parametrize(("platform", "written", "reason"), OPAQUE)
def test_forms_that_name_no_model_say_why(platform, written, reason):
    model = normalise(platform, written)

    assert model.canonical is None
    assert reason in model.opaque_reason


SECRET = "t0kenvalue"


# A model value can be sensitive (a plan's sensitive value, a Pulumi secret); the
# finding then hides it, but prints the opaque reason, so no reason may quote it.
@pytest.mark.parametrize(
    ("platform", "written"),
    [
        ("azure", f"azureml:{SECRET}:1"),
        ("azure", f"/subscriptions/{SECRET}/models/m"),
        ("vertex", f"{SECRET}-model"),
        ("vertex", f"projects/{SECRET}/locations/l/endpoints/1"),
        ("vertex", f"publishers/{SECRET}/{SECRET}"),
        ("vertex", f"publishers/hf-{SECRET}!/models/x"),
        ("huggingface", SECRET),
        ("huggingface", f"{SECRET}!/x"),
        ("huggingface", f"https://huggingface.co/{SECRET}/x/tree/main"),
        ("sagemaker", f"arn:aws:sagemaker:us-east-1:1:hub-content/{SECRET}/Model/x"),
        ("sagemaker", f"s3://{SECRET}/model.tar.gz"),
    ],
)
def test_opaque_reasons_never_quote_the_value(platform, written):
    model = normalise(platform, written)

    assert model.canonical is None
    assert SECRET not in model.opaque_reason


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/llm:latest", "image"),
        ("s3://bucket/Model.tar.gz", "model_data"),
        (
            "arn:aws:sagemaker:us-east-1:123456789012:model-package/grp/3",
            "model_package",
        ),
    ],
    ids=["image", "model data", "model package"],
)
def test_sagemaker_inventory_keeps_what_the_model_runs_as_written(written, kept):
    assert normalise("sagemaker", written).attributes == {kept: written}


def test_a_near_neighbour_is_a_different_model():
    assert (
        normalise("azure", "gpt-4o").canonical
        != normalise("azure", "gpt-4o-mini").canonical
    )
    assert (
        normalise("vertex", "gemini-2.5-flash").canonical
        != normalise("vertex", "gemini-2.5-flash-lite").canonical
    )


# Generated IDs in every documented form, for the properties below.

segment = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,15}", fullmatch=True)
version = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,11}", fullmatch=True)
region = st.sampled_from(["us-east-1", "eu-west-1", "us-gov-west-1", ""])
# The Hub's first path segments "datasets" and "spaces" are not authors.
author = segment.filter(lambda name: name.lower() not in {"datasets", "spaces"})


@st.composite
def bedrock_ids(draw):
    model = f"{draw(segment)}.{draw(segment)}"
    if draw(st.booleans()):
        model += f":{draw(st.integers(0, 9))}"
    if draw(st.booleans()):
        model += f":{draw(st.integers(1, 300))}k"
    if draw(st.booleans()):
        model = f"{draw(st.sampled_from(['us', 'eu', 'apac', 'global']))}.{model}"
    if draw(st.booleans()):
        kind = draw(st.sampled_from(["foundation-model", "inference-profile"]))
        model = f"arn:aws:bedrock:{draw(region)}::{kind}/{model}"
    return model


@st.composite
def azure_ids(draw):
    name = draw(segment)
    shape = draw(st.sampled_from(["name", "name@version", "asset"]))
    if shape == "name":
        return name
    if shape == "name@version":
        return f"{name}@{draw(version)}"
    return (
        f"azureml://registries/{draw(segment)}/models/{name}/versions/{draw(version)}"
    )


SHORT_PREFIXES = [
    "gemini-",
    "gemini-embedding-",
    "text-embedding-",
    "text-multilingual-embedding-",
    "gemma",
    "imagen-",
    "multimodalembedding",
    "claude-",
]


@st.composite
def vertex_ids(draw):
    at = st.one_of(st.just(""), version.map(lambda v: f"@{v}"))
    if draw(st.booleans()):
        return f"{draw(st.sampled_from(SHORT_PREFIXES))}{draw(segment)}{draw(at)}"
    publisher = draw(st.one_of(segment, author.map(lambda a: f"hf-{a}")))
    path = f"publishers/{publisher}/models/{draw(segment)}{draw(at)}"
    if draw(st.booleans()):
        path += draw(st.sampled_from([":predict", ":deploy", ":tune"]))
    if draw(st.booleans()):
        path = f"projects/{draw(segment)}/locations/{draw(region)}-x/{path}"
    return path


@st.composite
def huggingface_ids(draw):
    prefix = draw(
        st.sampled_from(
            ["", "huggingface/", "hf.co/", "https://huggingface.co/", "huggingface.co/"]
        )
    )
    return f"{prefix}{draw(author)}/{draw(segment)}"


@st.composite
def sagemaker_ids(draw):
    model = draw(segment)
    if draw(st.booleans()):
        return f"jumpstart/{model}"
    arn = f"arn:aws:sagemaker:{draw(region)}:aws:hub-content/SageMakerPublicHub/Model/"
    return arn + model + draw(st.sampled_from(["", "/1.0.0", "/2.3.1"]))


GENERATED = {
    "bedrock": bedrock_ids(),
    "azure": azure_ids(),
    "vertex": vertex_ids(),
    "huggingface": huggingface_ids(),
    "sagemaker": sagemaker_ids(),
}


@pytest.mark.parametrize("platform", PLATFORMS)
@PROPERTY
@given(data=st.data())
def test_normalising_a_canonical_id_again_gives_the_same_id(platform, data):
    written = data.draw(GENERATED[platform], label="written")
    model = normalise(platform, written)

    assert model.canonical is not None, model.opaque_reason
    again = normalise(model.platform, model.canonical)
    assert (again.platform, again.canonical) == (model.platform, model.canonical)
    # A tag value is normalised with the resource's platform, so a Hub model found on
    # Vertex must also survive the Vertex normaliser.
    assert normalise(platform, model.canonical).canonical == model.canonical


@pytest.mark.parametrize("platform", PLATFORMS)
@PROPERTY
@given(written=st.text())
def test_no_text_makes_a_normaliser_raise(platform, written):
    model = normalise(platform, written)

    assert model.written == written
    assert (model.canonical is None) == (model.opaque_reason is not None)


@pytest.mark.parametrize("platform", PLATFORMS)
@PROPERTY
@given(written=st.one_of(st.text(), st.text(alphabet="aA@:/. -_0123456789")))
def test_canonical_ids_are_lower_case(platform, written):
    canonical = normalise(platform, written).canonical

    assert canonical is None or canonical == canonical.lower()


# Documented forms with a few characters spliced in or cut out: the near misses a
# typo makes, which plain random text almost never reaches.
NOISE = st.text(alphabet="aA@:/. -_09\t", max_size=6)


@st.composite
def near_misses(draw, platform):
    written = draw(GENERATED[platform])
    start = draw(st.integers(0, len(written)))
    end = draw(st.integers(start, len(written)))
    return written[:start] + draw(NOISE) + written[end:]


@pytest.mark.parametrize("platform", PLATFORMS)
@PROPERTY
@given(data=st.data())
def test_any_text_that_gets_a_canonical_id_keeps_it_on_a_second_pass(platform, data):
    written = data.draw(
        st.one_of(st.text(), st.text(alphabet="aA@:/. -_09"), near_misses(platform)),
        label="written",
    )
    model = normalise(platform, written)

    if model.canonical is not None:
        assert model.canonical == model.canonical.lower()
        assert normalise(model.platform, model.canonical).canonical == model.canonical
        assert normalise(platform, model.canonical).canonical == model.canonical


@PROPERTY
@given(name=segment, version=version)
def test_azure_splits_the_version_at_the_at_sign_in_every_form(name, version):
    expected = f"{name}@{version}".lower()

    assert normalise("azure", f"{name}@{version}").canonical == expected
    assert from_parts(name, version).canonical == expected
    asset = f"azureml://registries/azureml/models/{name}/versions/{version}"
    assert normalise("azure", asset).canonical == expected
    assert normalise("azure", name).canonical == f"{name.lower()}@"
    assert from_parts(name, None).canonical == f"{name.lower()}@"


@PROPERTY
@given(publisher=segment, name=segment, version=version)
def test_vertex_keeps_the_version_after_the_at_sign(publisher, name, version):
    path = f"publishers/{publisher}/models/{name}@{version}"
    expected = f"{publisher}/{name}@{version}".lower()

    assert normalise("vertex", path).canonical == expected
    assert normalise("vertex", f"{path}:predict").canonical == expected
    assert (
        normalise("vertex", f"{publisher}/{name}@").canonical == expected.split("@")[0]
    )


@PROPERTY
@given(hub_author=author, name=segment, version=version)
def test_a_hugging_face_model_on_vertex_drops_its_version(hub_author, name, version):
    path = f"publishers/hf-{hub_author}/models/{name}@{version}"
    model = normalise("vertex", path)

    assert model.platform == "huggingface"
    assert model.canonical == f"huggingface/{hub_author}/{name}".lower()
    assert model.attributes["version"] == version.lower()
    assert "@" not in model.canonical


# docs/models.md shows real output; every example row is checked against the code.


def documented_rows():
    platform, in_table = None, False
    for number, line in enumerate(DOC.read_text(encoding="utf-8").splitlines(), 1):
        heading = re.match(r"^## .*\(`(?P<platform>[a-z]+)`\)$", line)
        if heading:
            platform = heading["platform"]
        if line.startswith("|---"):
            in_table = True
        elif not line.startswith("|"):
            in_table = False
        elif in_table and platform:
            cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
            yield pytest.param(platform, cells, id=f"models.md:{number}")


def code(cell):
    return cell.strip("`") if cell else None


@pytest.mark.parametrize(("platform", "cells"), list(documented_rows()))
def test_documented_examples_are_real_output(platform, cells):
    if len(cells) == 8:
        name, version, format, publisher, sku, shown, canonical, _ = cells
        model = from_parts(
            *(code(part) for part in (name, version, format)),
            code(publisher),
            code(sku),
        )
        assert (model.written, model.canonical) == (code(shown), code(canonical))
        return
    model = normalise(platform, code(cells[1]))
    if len(cells) == 3:
        assert model.canonical is None
        assert model.opaque_reason == html.unescape(cells[2])
        return
    canonical, _, on_platform = cells[2].partition(" on ")
    assert model.canonical == code(canonical)
    assert model.platform == (code(on_platform) or platform)
    shown = ", ".join(f"{key}=`{value}`" for key, value in model.attributes.items())
    assert shown == cells[3]
