"""A small, honest evaluator for the Terraform expressions that carry tags and models.

It works on the parse tree of Checkov's HCL parser (``hcl2`` from bc-python-hcl2),
not on Checkov's rendering, because that rendering silently drops what it cannot
resolve (an unknown ``merge()`` argument disappears, an unknown conditional picks a
branch). Here every value that cannot be determined becomes :class:`Unknown` with the
expression as written and the reason, and maps keep what is known about them in a
:class:`PartialMap`. Anything this evaluator does not understand is unknown, never
guessed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lark import Token, Tree

from ai_cost_policy.terraform import numbers
from ai_cost_policy.terraform.limits import (
    MAX_STRING_CHARACTERS,
    MAX_VALUES,
    NUMBER_STEPS,
    TOO_LARGE,
    Budget,
    OverBudget,
    too_long,
)
from ai_cost_policy.terraform.marks import (
    SENSITIVE_EXPRESSION,
    hides_a_secret,
    marked,
    redacted,
    shown,
    unmarked,
)
from ai_cost_policy.values import Unknown

NOT_EVALUATED = "not evaluated by ai-cost-policy"
AFTER_APPLY = "known only after apply"
NUMBER_TOO_LARGE = f"{TOO_LARGE}: a number beyond the 512 bits Terraform keeps exact"


class PartialMap(dict):
    """A map whose listed entries are known, with parts whose keys cannot be seen."""

    def __init__(self, entries: dict, hidden: tuple[Unknown, ...]) -> None:
        super().__init__(entries)
        self.hidden = hidden


class TupleValue(list):
    """A list known to be a list (``[...]``, a ``for``, ``tolist()``): its keys are
    its indexes.

    Any other list may be a set in Terraform (a variable of type ``set(string)``),
    whose keys are its values: iterating it gives unknown keys.
    """


class SetValue(list):
    """``toset()``'s result, in Terraform's order: its keys are its values."""


def iteration_pairs(collection: Any, name: str) -> list[tuple[Any, Any]] | None:
    """The (key, value) pairs a ``for`` or a dynamic block visits; None if none."""
    if isinstance(collection, dict) and not getattr(collection, "hidden", ()):
        return sorted(collection.items())
    if isinstance(collection, TupleValue):
        return list(enumerate(collection))
    if isinstance(collection, SetValue):
        return [(item, item) for item in collection]
    if isinstance(collection, list):
        key = Unknown(name, "the key of a list that may be a set")
        return [(key, item) for item in collection]
    return None


@dataclass
class Source:
    """The text of one file, so unknowns can quote the expression as written."""

    path: str
    text: str

    def snippet(self, node: Tree | Token) -> str:
        try:
            start, end = _span(node)
        except RecursionError:
            return "<expression nested too deeply to quote>"
        if start is None or end is None:
            return "<expression>"
        return shorten(" ".join(self.text[start:end].split()))


SNIPPET_LIMIT = 60


def shorten(text: str) -> str:
    """An expression as messages quote it: never a whole block of code.

    Object and list literals inside a long expression are folded to ``{...}`` and
    ``[...]`` (they may hold values nobody should see in a CI log), and the rest is
    cut to a readable length. Code with a ``sensitive("...")`` call is not quoted
    at all: it spells its secret out.
    """
    if hides_a_secret(text):
        return SENSITIVE_EXPRESSION
    if len(text) <= SNIPPET_LIMIT:
        return text
    folded: list[str] = []
    depth = 0
    for char in text:
        if char in "{[":
            if depth == 0:
                folded.append(char + "...")
            depth += 1
        elif char in "}]" and depth:
            depth -= 1
            if depth == 0:
                folded.append(char)
        elif depth == 0:
            folded.append(char)
    text = "".join(folded)
    return text if len(text) <= SNIPPET_LIMIT else text[: SNIPPET_LIMIT - 3] + "..."


def _span(node: Tree | Token) -> tuple[int | None, int | None]:
    # Lark's tree positions can stop short of a trailing ``.name`` and its tokens
    # leave out anonymous ones such as ``)``: take the widest of both.
    if isinstance(node, Token):
        return node.start_pos, node.end_pos
    tokens = [
        token
        for token in node.scan_values(lambda value: isinstance(value, Token))
        if token.start_pos is not None and token.type != "_NEW_LINE_OR_COMMENT"
    ]
    starts = [t.start_pos for t in tokens]
    ends = [t.end_pos for t in tokens]
    if not node.meta.empty:
        starts.append(node.meta.start_pos)
        ends.append(node.meta.end_pos)
    else:
        # Operations regrouped by precedence have no position of their own.
        for child in node.children:
            if isinstance(child, Tree):
                start, end = _span(child)
                if start is not None and end is not None:
                    starts.append(start)
                    ends.append(end)
    if not starts:
        return None, None
    return min(starts), max(ends)


@dataclass
class Scope:
    """Names an expression can refer to in one module instance."""

    variables: dict[str, Any]
    locals: dict[str, tuple[Tree, Source]] = field(default_factory=dict)
    iteration: dict[str, Any] = field(default_factory=dict)
    # Where each variable's value came from (terraform.tfvars, --var, a default),
    # so messages can say where a tag was set.
    origins: Mapping[str, str] = field(default_factory=dict)
    _local_values: dict[str, Any] = field(default_factory=dict)
    _evaluating: set[str] = field(default_factory=set)
    _variable_values: dict[str, Any] = field(default_factory=dict)
    budget: Budget = field(default_factory=Budget)

    def iterating(self, names: Mapping[str, Any]) -> Scope:
        """This scope with more iteration names: a resource's, a block's, a for's."""
        return Scope(
            self.variables,
            self.locals,
            {**self.iteration, **names},
            self.origins,
            # Locals cannot see iteration names, so their values stay the same.
            self._local_values,
            self._evaluating,
            self._variable_values,
            self.budget,
        )

    def local(self, name: str, expression: str) -> Any:
        if name in self._local_values:
            return self._local_values[name]
        if name not in self.locals:
            return Unknown(expression, f"local value '{name}' is not defined")
        if name in self._evaluating:
            return Unknown(expression, "local values refer to each other in a cycle")
        self._evaluating.add(name)
        node, source = self.locals[name]
        # Evaluated once for every instance, without count, each or a for's names,
        # which Terraform does not let a local see.
        outside = Scope(
            self.variables,
            self.locals,
            {},
            self.origins,
            self._local_values,
            self._evaluating,
            self._variable_values,
            self.budget,
        )
        try:
            value = evaluate(node, outside, source)
        finally:
            self._evaluating.discard(name)
        self._local_values[name] = value
        return value

    def variable(self, name: str) -> Any:
        if name not in self._variable_values:
            # Terraform converts a variable to its declared type, which is not
            # read here: a list given to it may have become a set.
            self._variable_values[name] = _untyped(self.variables[name])
        return self._variable_values[name]


def evaluate(node: Tree | Token, scope: Scope, source: Source) -> Any:
    """One attribute's or local's value, within its own share of the budget."""
    with scope.budget.unit():
        try:
            return _Evaluator(scope, source).value(node)
        except RecursionError:
            return Unknown("<expression>", "it is nested too deeply to evaluate")
        except OverBudget as over:
            return Unknown(source.snippet(node), over.reason)


def _untyped(value: Any) -> Any:
    """``value`` with every list a plain one, whose keys are not known."""
    value, secret = unmarked(value)
    if isinstance(value, list):
        return marked([_untyped(item) for item in value], secret)
    if isinstance(value, dict):
        entries = {key: _untyped(item) for key, item in value.items()}
        hidden = getattr(value, "hidden", None)
        untyped = entries if hidden is None else PartialMap(entries, hidden)
        return marked(untyped, secret)
    return marked(value, secret)


class _Evaluator:
    def __init__(self, scope: Scope, source: Source) -> None:
        self.scope = scope
        self.source = source

    def unknown(self, node: Tree | Token, reason: str) -> Unknown:
        return Unknown(self.source.snippet(node), reason)

    def bounded(self, node: Tree | Token, value: Any) -> Any:
        """``value``, or an Unknown when it is too large to keep."""
        reason = self.scope.budget.too_many(unmarked(value)[0])
        return value if reason is None else self.unknown(node, reason)

    def value(self, node: Tree | Token) -> Any:
        self.scope.budget.step()
        if isinstance(node, Token):
            if node.type == "STRING_LIT":
                return self.string(node)
            return self.unknown(node, NOT_EVALUATED)
        handler: Callable[[Tree], Any] | None = getattr(self, f"_{node.data}", None)
        if handler is None:
            return self.unknown(node, NOT_EVALUATED)
        return handler(node)

    def _expr_term(self, node: Tree) -> Any:
        children = [child for child in node.children if not _is_newline(child)]
        if len(children) != 1:
            return self.unknown(node, NOT_EVALUATED)
        return self.value(children[0])

    def _int_lit(self, node: Tree) -> Any:
        return self.number(node, "".join(str(token) for token in node.children))

    _float_lit = _int_lit

    def number(self, node: Tree | Token, text: str) -> Any:
        value = numbers.literal(text)
        if value is numbers.TOO_LARGE:
            return self.unknown(node, NUMBER_TOO_LARGE)
        return value

    def _identifier(self, node: Tree) -> Any:
        name = str(node.children[0])
        literals = {"true": True, "false": False, "null": None}
        if name in literals:
            return literals[name]
        if name in self.scope.iteration:
            return self.scope.iteration[name]
        return self.unknown(node, f"'{name}' is not a value ai-cost-policy can resolve")

    def _tuple(self, node: Tree) -> Any:
        items = TupleValue(self.value(child) for child in _expressions(node))
        return self.bounded(node, items)

    def _object(self, node: Tree) -> Any:
        entries: dict[str, Any] = {}
        hidden: list[Unknown] = []
        secret_key = False
        for element in node.children:
            if not isinstance(element, Tree) or element.data != "object_elem":
                continue
            key_node, value_node = _expressions(element)[:2]
            key, secret = unmarked(self.key(key_node))
            secret_key = secret_key or secret
            if isinstance(key, Unknown):
                hidden.append(key)
                continue
            entries[key] = self.value(value_node)
        # A key cannot carry a mark of its own: as in Terraform, a key computed
        # from a secret makes the whole map sensitive, or the key would show it.
        entries = PartialMap(entries, tuple(hidden)) if hidden else entries
        return marked(self.bounded(node, entries), secret_key)

    def key(self, node: Tree | Token) -> Any:
        # Object keys written as bare words are names, not variable references.
        if isinstance(node, Tree) and node.data == "identifier":
            return str(node.children[0])
        if isinstance(node, Tree) and node.data == "expr_term":
            inner = _expressions(node)
            if len(inner) == 1 and isinstance(inner[0], Tree):
                if inner[0].data == "identifier":
                    return str(inner[0].children[0])
        key, secret = unmarked(self.value(node))
        if isinstance(key, Unknown) or isinstance(key, str):
            return marked(key, secret)
        if isinstance(key, bool) or numbers.is_number(key):
            return marked(_to_text(key), secret)
        return self.unknown(node, "an object key is not a string")

    def _get_attr_expr_term(self, node: Tree) -> Any:
        path = _reference_path(node)
        if path is None:
            base = self.value(node.children[0])
            attribute = str(node.children[1].children[0].children[0])
            return self.attribute_of(node, base, attribute)
        head = path[0]
        expression = self.source.snippet(node)
        if head == "var":
            return self.attribute_chain(
                node, self.variable(path[1], expression), path[2:]
            )
        if head == "local":
            return self.attribute_chain(
                node, self.scope.local(path[1], expression), path[2:]
            )
        # count, each, a dynamic block's iterator, a for expression's names.
        if head in self.scope.iteration:
            return self.attribute_chain(node, self.scope.iteration[head], path[1:])
        if head == "data":
            return Unknown(expression, "a data source is read only at plan time")
        if head == "module":
            return Unknown(expression, "module outputs are not evaluated yet")
        if head in ("path", "terraform"):
            return Unknown(expression, NOT_EVALUATED)
        if "_" not in head:
            # A resource type starts with its provider's name and "_": this is a
            # name used where it is not set, as a dynamic block's label when the
            # block names another iterator, or each outside a for_each.
            return Unknown(expression, f"'{head}' is not a name defined here")
        return Unknown(
            expression,
            f"an attribute of another resource is {AFTER_APPLY}",
            reference=f"{head}.{path[1]}" if len(path) > 1 else None,
        )

    def variable(self, name: str, expression: str) -> Any:
        if name not in self.scope.variables:
            return Unknown(expression, f"variable '{name}' is not declared")
        return self.scope.variable(name)

    def attribute_chain(self, node: Tree, base: Any, names: list[str]) -> Any:
        for name in names:
            base = self.attribute_of(node, base, name)
        return base

    def attribute_of(self, node: Tree, base: Any, name: str) -> Any:
        base, secret = unmarked(base)
        if isinstance(base, Unknown):
            return base
        if isinstance(base, dict):
            if name in base:
                return marked(base[name], secret)
            if isinstance(base, PartialMap) and base.hidden:
                return base.hidden[0]
            return self.unknown(node, f"there is no attribute '{name}'")
        return self.unknown(node, f"'{name}' is read from a value that is not a map")

    def _index_expr_term(self, node: Tree) -> Any:
        base, secret_base = unmarked(self.value(node.children[0]))
        index_node = node.children[1]
        index, secret_index = unmarked(
            self.value(_expressions(index_node)[0])
            if _expressions(index_node)
            else self.number(index_node, "".join(str(t) for t in index_node.children))
        )
        if isinstance(base, Unknown):
            if secret_index:
                # The instance key would be the secret: name no instance.
                return self.unknown(node, base.reason)
            if base.reference and isinstance(index, (int, str)):
                # aws_x.y[0].arn and aws_x.y["eu"].arn name one instance.
                return Unknown(
                    self.source.snippet(node),
                    base.reason,
                    reference=f"{base.reference}[{json.dumps(index)}]",
                )
            return base
        if isinstance(index, Unknown):
            return index
        if isinstance(index, int) and index < 0:
            return self.unknown(node, "a negative index is not valid in Terraform")
        if isinstance(base, SetValue):
            return self.unknown(node, "a set has no index in Terraform")
        try:
            return marked(base[index], secret_base or secret_index)
        except (KeyError, IndexError, TypeError):
            if isinstance(base, PartialMap) and base.hidden:
                return base.hidden[0]
            return self.unknown(
                node, f"there is no element {shown(index, secret_index)}"
            )

    def _conditional(self, node: Tree) -> Any:
        return self.value(_regroup(_flatten(node)))

    def _binary_op(self, node: Tree) -> Any:
        return self.value(_regroup(_flatten(node)))

    def _ordered_conditional(self, node: Tree) -> Any:
        condition, secret = unmarked(self.value(node.children[0]))
        if isinstance(condition, bool):
            # The branch a secret chooses tells the secret: it is sensitive too.
            return marked(self.value(node.children[1 if condition else 2]), secret)
        if not isinstance(condition, Unknown):
            return self.unknown(node, "the condition is not a boolean")
        yes, no = self.value(node.children[1]), self.value(node.children[2])
        if type(yes) is type(no) and yes == no and not isinstance(yes, Unknown):
            return yes
        return self.unknown(
            node,
            f"its condition depends on {condition.expression} ({condition.reason})",
        )

    def _ordered_operation(self, node: Tree) -> Any:
        left_node, operator_node, right_node = node.children
        operator = str(operator_node.children[0])
        left, secret_left = unmarked(self.value(left_node))
        right, secret_right = unmarked(self.value(right_node))
        secret = secret_left or secret_right
        if operator in ("&&", "||"):
            # `false && x` is false whatever x turns out to be: the known side
            # settles it, so the unknown one cannot change the result.
            settles = operator == "||"
            if left is settles or right is settles:
                return marked(settles, secret)
        unknown = next((v for v in (left, right) if isinstance(v, Unknown)), None)
        if unknown is not None:
            # Like an interpolation: the whole operation, with the operand's reason.
            return self.unknown(node, unknown.reason)
        if not (isinstance(left, int) and isinstance(right, int)):
            # Arithmetic on 512-bit fractions is slow: count it as such.
            self.scope.budget.step(NUMBER_STEPS)
        result = _operate(operator, left, right)
        if result is numbers.INVALID:
            return self.unknown(node, f"'{operator}' is not valid for these values")
        if result is numbers.TOO_LARGE:
            return self.unknown(node, NUMBER_TOO_LARGE)
        return marked(result, secret)

    def _unary_op(self, node: Tree) -> Any:
        operator = str(node.children[0])
        operand, secret = unmarked(self.value(node.children[1]))
        if isinstance(operand, Unknown):
            return operand
        if operator == "!" and isinstance(operand, bool):
            return marked(not operand, secret)
        if operator == "-" and numbers.is_number(operand):
            return marked(numbers.negate(operand), secret)
        return self.unknown(node, NOT_EVALUATED)

    def _function_call(self, node: Tree) -> Any:
        name = str(node.children[0].children[0])
        arguments = node.children[1] if len(node.children) > 1 else None
        args = (
            [self.value(child) for child in _expressions(arguments)]
            if (isinstance(arguments, Tree))
            else []
        )
        if name in MARK_FUNCTIONS:
            return MARK_FUNCTIONS[name](self, node, args)
        function = FUNCTIONS.get(name)
        if function is None:
            return self.unknown(node, f"function {name}() is {NOT_EVALUATED}")
        # As in Terraform, a function's result is sensitive when an argument is.
        plain = [unmarked(arg) for arg in args]
        result = function(self, node, [arg for arg, _ in plain])
        return marked(self.bounded(node, result), any(secret for _, secret in plain))

    def string(self, token: Token) -> Any:
        body = str(token)[1:-1]
        parts: list[Any] = []
        index = 0
        while index < len(body):
            if body.startswith(("$${", "%%{"), index):
                parts.append(body[index + 1 : index + 3])
                index += 3
            elif body.startswith("%{", index):
                return Unknown(
                    shorten(" ".join(str(token).split())),
                    "template directives (%{ if }, %{ for }) are not evaluated",
                )
            elif body.startswith("${", index):
                end = _closing_brace(body, index + 2)
                if end is None:
                    return Unknown(shorten(body), "an interpolation is not closed")
                parts.append(self.interpolation(body[index + 2 : end]))
                index = end + 1
            elif body.startswith(("\\u", "\\U"), index):
                width = 4 if body[index + 1] == "u" else 8
                digits = body[index + 2 : index + 2 + width]
                try:
                    parts.append(chr(int(digits, 16)))
                except ValueError:
                    return Unknown(shorten(body), "an escape sequence is not valid")
                index += 2 + width
            elif body[index] == "\\" and index + 1 < len(body):
                parts.append(_ESCAPES.get(body[index + 1], body[index + 1]))
                index += 2
            else:
                parts.append(body[index])
                index += 1
        secret = any(unmarked(part)[1] for part in parts)
        parts = [unmarked(part)[0] for part in parts]
        unknown = next((part for part in parts if isinstance(part, Unknown)), None)
        if unknown is not None:
            return Unknown(
                shorten(" ".join(str(token).split())),
                unknown.reason,
                reference=unknown.reference,
            )
        if len(parts) == 1 and not isinstance(parts[0], str):
            return marked(parts[0], secret)
        if any(isinstance(part, (dict, list)) for part in parts):
            return self.unknown(token, "a map or list cannot be part of a string")
        texts = [_to_text(part) for part in parts]
        # Measured before they are joined: doubling a string forty times is 2**40.
        if sum(len(text) for text in texts) > MAX_STRING_CHARACTERS:
            return self.unknown(token, too_long())
        return marked("".join(texts), secret)

    def interpolation(self, text: str) -> Any:
        from ai_cost_policy.terraform.hcl import parse_expression

        parsed = parse_expression(text)
        if parsed is None:
            return Unknown(shorten(text), NOT_EVALUATED)
        node, source = parsed
        return _Evaluator(self.scope, source).value(node)

    def _for_tuple_expr(self, node: Tree) -> Any:
        return self.for_expression(node, node.data == "for_object_expr")

    _for_object_expr = _for_tuple_expr

    def for_expression(self, node: Tree, is_object: bool) -> Any:
        """``[for i, v in xs : v if c]`` and ``{for k, v in m : k => v}``."""
        intro, *body = _expressions(node)
        names = [str(c.children[0]) for c in _expressions(intro)[:-1]]
        # A secret collection, condition or key makes the whole result sensitive.
        collection, secret = unmarked(self.value(_expressions(intro)[-1]))
        condition = body.pop() if getattr(body[-1], "data", "") == "for_cond" else None
        if "..." in node.children:
            return self.unknown(node, "grouping results with '...' is not evaluated")
        if isinstance(collection, Unknown):
            return collection
        pairs = iteration_pairs(collection, names[0])
        if pairs is None:
            return self.unknown(
                node, "it iterates over a map with unknown keys or a non-collection"
            )
        items: list[Any] = TupleValue()
        entries: dict[str, Any] = {}
        budget = self.scope.budget
        size = 1
        for key, value in pairs:
            budget.step()
            # Counted as it grows, so that nested for expressions stop as soon as
            # the result is too large, not after building all of it.
            if size > MAX_VALUES:
                return self.unknown(
                    node, f"{TOO_LARGE}: it holds more than {MAX_VALUES:,} values"
                )
            bound = dict(zip(names, (key, value)[-len(names) :], strict=True))
            inner = _Evaluator(self.scope.iterating(bound), self.source)
            keep, secret_keep = unmarked(
                inner.value(_expressions(condition)[0]) if condition else True
            )
            secret = secret or secret_keep
            if not isinstance(keep, bool):
                return self.unknown(node, "its if condition is not a known boolean")
            if not keep:
                continue
            if not is_object:
                items.append(inner.value(body[0]))
                size += budget.size(items[-1])
                continue
            name, secret_name = unmarked(inner.value(body[0]))
            secret = secret or secret_name
            if not isinstance(name, str) or name in entries:
                return self.unknown(node, "its keys are not distinct known strings")
            entries[name] = inner.value(body[1])
            size += budget.size(entries[name])
        return marked(self.bounded(node, entries if is_object else items), secret)

    def _heredoc_template(self, node: Tree) -> Any:
        return self.heredoc(node.children[0], flush=False)

    def _heredoc_template_trim(self, node: Tree) -> Any:
        return self.heredoc(node.children[0], flush=True)

    def heredoc(self, token: Token, flush: bool) -> Any:
        """``<<EOT``: every line up to the marker, each with its newline.

        ``<<-EOT`` removes the smallest indentation of the lines that are not
        blank, as Terraform does. Escapes are not processed in a heredoc.
        """
        lines = str(token).split("\n")
        if len(lines) < 2 or lines[-1].strip() != lines[0].lstrip("<-"):
            return self.unknown(token, NOT_EVALUATED)
        content = lines[1:-1]
        if flush:
            cut = min(
                (len(line) - len(line.lstrip()) for line in content if line.strip()),
                default=0,
            )
            content = [line[cut:] if line.strip() else line for line in content]
        text = "".join(line + "\n" for line in content)
        if "${" not in text and "%{" not in text:
            return text
        return self.string(Token.new_borrow_pos("STRING_LIT", _quoted(text), token))


def _to_text(part: Any) -> str:
    if isinstance(part, bool):
        return "true" if part else "false"
    if part is None:
        return ""
    return str(part)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _closing_brace(text: str, start: int) -> int | None:
    depth = 1
    quoted = False
    for index in range(start, len(text)):
        char = text[index]
        if char == '"' and text[index - 1] != "\\":
            quoted = not quoted
        elif not quoted and char == "{":
            depth += 1
        elif not quoted and char == "}":
            depth -= 1
            if depth == 0:
                return index
    return None


# HCL's operator precedence, loosest first; the conditional is looser than all.
# Checkov's grammar has none (it nests every operation to the right), so
# operations are flattened and regrouped before they are evaluated.
_PRECEDENCE = {
    "||": 1,
    "&&": 2,
    "==": 3,
    "!=": 3,
    "<": 4,
    ">": 4,
    "<=": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
}


@dataclass(frozen=True)
class _Branches:
    """``? yes :`` of a conditional, standing between its condition and no-branch."""

    yes: Tree | Token


def _flatten(node: Tree | Token) -> list[Any]:
    """Operands, operators and conditional branches in the order they are written.

    Parenthesised expressions stay whole: they are ``expr_term`` nodes.
    """
    if isinstance(node, Tree) and node.data == "binary_op":
        term = node.children[1]
        operand = _expressions(term)[-1]
        return [*_flatten(node.children[0]), term.children[0], *_flatten(operand)]
    if isinstance(node, Tree) and node.data == "conditional":
        condition, yes, no = _expressions(node)
        return [*_flatten(condition), _Branches(yes), *_flatten(no)]
    return [node]


def _regroup(items: list[Any]) -> Tree:
    """Precedence climbing: left-associative operators, a right-nested conditional."""
    position = 0

    def climb(lowest: int) -> Any:
        nonlocal position
        left = items[position]
        position += 1
        while position < len(items):
            item = items[position]
            if isinstance(item, _Branches):
                if lowest > 0:
                    break
                position += 1
                left = Tree("ordered_conditional", [left, item.yes, climb(0)])
                continue
            level = _PRECEDENCE.get(str(item.children[0]), 0)
            if level < lowest:
                break
            position += 1
            left = Tree("ordered_operation", [left, item, climb(level + 1)])
        return left

    return climb(0)


def _kind(value: Any) -> type:
    # Terraform has one number type, and a list's keys do not change its kind.
    if numbers.is_number(value):
        return int
    for kind in (list, dict):
        if isinstance(value, kind):
            return kind
    return type(value)


def _operate(operator: str, left: Any, right: Any) -> Any:
    if operator in ("==", "!="):
        # A bool never equals a number in Terraform, though it does in Python.
        if numbers.is_number(left) and numbers.is_number(right):
            equal = numbers.operate("==", left, right) is True
        else:
            equal = _kind(left) is _kind(right) and left == right
        return equal if operator == "==" else not equal
    if operator in ("&&", "||"):
        if not (isinstance(left, bool) and isinstance(right, bool)):
            return numbers.INVALID
        return (left and right) if operator == "&&" else (left or right)
    if not (numbers.is_number(left) and numbers.is_number(right)):
        return numbers.INVALID
    return numbers.operate(operator, left, right)


def _quoted(text: str) -> str:
    """Heredoc text as a quoted string, so interpolations evaluate as in one."""
    escapes = {"\\": "\\\\", '"': '\\"', "\n": "\\n"}
    out: list[str] = []
    index = 0
    while index < len(text):
        if text.startswith(("$${", "%%{"), index):
            out.append(text[index : index + 3])
            index += 3
            continue
        opens = text.startswith(("${", "%{"), index)
        end = _closing_brace(text, index + 2) if opens else None
        if end is not None:
            out.append(text[index : end + 1])
            index = end + 1
        else:
            out.append(escapes.get(text[index], text[index]))
            index += 1
    return '"' + "".join(out) + '"'


def _is_newline(child: Any) -> bool:
    return isinstance(child, Token) and child.type == "_NEW_LINE_OR_COMMENT"


def _expressions(node: Tree | None) -> list[Any]:
    if node is None:
        return []
    return [
        child
        for child in node.children
        if isinstance(child, Tree)
        or (isinstance(child, Token) and child.type == "STRING_LIT")
    ]


def _reference_path(node: Tree) -> list[str] | None:
    """``var.a.b`` as ``["var", "a", "b"]``; None when the base is not a bare name."""
    names: list[str] = []
    while isinstance(node, Tree):
        if node.data == "get_attr_expr_term":
            names.append(str(node.children[1].children[0].children[0]))
            node = node.children[0]
        elif node.data == "expr_term" and len(_expressions(node)) == 1:
            node = _expressions(node)[0]
        else:
            break
    if isinstance(node, Tree) and node.data == "identifier":
        names.append(str(node.children[0]))
        return list(reversed(names))
    return None


def _merge(ev: _Evaluator, node: Tree, args: list[Any]) -> Any:
    entries: dict[str, Any] = {}
    hidden: list[Unknown] = []
    for arg in args:
        if arg is None:
            continue
        if isinstance(arg, Unknown):
            hidden.append(arg)
        elif isinstance(arg, dict):
            entries.update(arg)
            hidden.extend(getattr(arg, "hidden", ()))
        else:
            return ev.unknown(node, "merge() was given something that is not a map")
    return PartialMap(entries, tuple(hidden)) if hidden else entries


def _string_function(apply: Callable[[str], str]) -> Callable[..., Any]:
    def call(ev: _Evaluator, node: Tree, args: list[Any]) -> Any:
        if len(args) != 1 or isinstance(args[0], Unknown):
            return (
                args[0]
                if args and isinstance(args[0], Unknown)
                else ev.unknown(node, NOT_EVALUATED)
            )
        return apply(_to_text(args[0]))

    return call


def _identity(ev: _Evaluator, node: Tree, args: list[Any]) -> Any:
    return args[0] if len(args) == 1 else ev.unknown(node, NOT_EVALUATED)


def _coalesce(ev: _Evaluator, node: Tree, args: list[Any]) -> Any:
    for arg in args:
        if isinstance(arg, Unknown):
            return ev.unknown(node, "coalesce() depends on a value that is unknown")
        if arg not in (None, ""):
            return arg
    return ev.unknown(node, "coalesce() found no non-empty argument")


def _toset(ev: _Evaluator, node: Tree, args: list[Any]) -> Any:
    if len(args) != 1 or not isinstance(args[0], list):
        return (
            args[0]
            if args and isinstance(args[0], Unknown)
            else ev.unknown(node, NOT_EVALUATED)
        )
    if any(isinstance(item, Unknown) for item in args[0]):
        return ev.unknown(node, "toset() depends on a value that is unknown")
    # Terraform orders a set of strings lexically; duplicates collapse, and an
    # element stays sensitive when any of its duplicates was.
    elements: dict[str, bool] = {}
    for item in args[0]:
        value, secret = unmarked(item)
        text = _to_text(value)
        elements[text] = elements.get(text, False) or secret
    return SetValue(marked(text, elements[text]) for text in sorted(elements))


def _tolist(ev: _Evaluator, node: Tree, args: list[Any]) -> Any:
    if len(args) != 1:
        return ev.unknown(node, NOT_EVALUATED)
    if isinstance(args[0], (SetValue, TupleValue)):
        return TupleValue(args[0])
    # A list of unknown kind stays one: if it is a set, its order is not known.
    return args[0]


def _length(ev: _Evaluator, node: Tree, args: list[Any]) -> Any:
    if len(args) != 1:
        return ev.unknown(node, NOT_EVALUATED)
    if isinstance(args[0], Unknown):
        return args[0]
    if isinstance(args[0], PartialMap) and args[0].hidden:
        return ev.unknown(node, "length() of a map with keys that cannot be seen")
    if isinstance(args[0], (str, list, dict)):
        # Unknown elements still count: a list's length is known without them.
        return len(args[0])
    return ev.unknown(node, "length() was given something that has no length")


FUNCTIONS: dict[str, Callable[[_Evaluator, Tree, list[Any]], Any]] = {
    "length": _length,
    "merge": _merge,
    "upper": _string_function(str.upper),
    "lower": _string_function(str.lower),
    "trimspace": _string_function(str.strip),
    "tostring": _string_function(lambda text: text),
    "tomap": _identity,
    "toset": _toset,
    "tolist": _tolist,
    "coalesce": _coalesce,
}


def _sensitive(ev: _Evaluator, node: Tree, args: list[Any]) -> Any:
    if len(args) != 1:
        return ev.unknown(node, NOT_EVALUATED)
    # What did not resolve inside is quoted as this call, whose text (it holds
    # the secret) is never quoted.
    return marked(redacted(args[0], ev.source.snippet(node)), True)


def _nonsensitive(ev: _Evaluator, node: Tree, args: list[Any]) -> Any:
    if len(args) != 1:
        return ev.unknown(node, NOT_EVALUATED)
    return unmarked(args[0])[0]


def _lookup(ev: _Evaluator, node: Tree, args: list[Any]) -> Any:
    plain = [unmarked(arg) for arg in args]
    secret = any(mark for _, mark in plain)
    if len(args) < 2 or any(isinstance(arg, Unknown) for arg, _ in plain[:2]):
        return ev.unknown(node, "lookup() depends on a value that is unknown")
    (mapping, _), (key, secret_key) = plain[:2]
    if isinstance(mapping, dict) and key in mapping:
        return marked(mapping[key], secret)
    if isinstance(mapping, PartialMap) and mapping.hidden:
        return mapping.hidden[0]
    if len(args) > 2:
        return marked(plain[2][0], secret)
    return ev.unknown(node, f"lookup() found no key {shown(key, secret_key)}")


# Functions given their arguments as marked: they set or clear the mark themselves,
# or need it to keep a sensitive argument out of their messages.
MARK_FUNCTIONS: dict[str, Callable[[_Evaluator, Tree, list[Any]], Any]] = {
    "sensitive": _sensitive,
    "nonsensitive": _nonsensitive,
    "lookup": _lookup,
}
