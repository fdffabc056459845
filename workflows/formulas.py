"""The small language of key figures: a formula over item codes, numbers, + − × ÷ and brackets,
for example `it_cost_total * 100 / operating_cost`. Read with Python's own parser but never run
by it: the tree is checked against a whitelist and turned into nodes of our own, which
`evaluate` computes in Decimal. A missing value or a division by zero makes the figure not
computable (None), never an error. Pure Python, no Flask."""

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MAX_LENGTH = 500
MAX_DEPTH = 30  # brackets and operators nested; a figure needs a handful
CODE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class FormulaError(ValueError):
    """A formula outside the language; `reason` names why, for the message shown."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Number:
    value: Decimal


@dataclass(frozen=True)
class Item:
    code: str


@dataclass(frozen=True)
class Negative:
    operand: "Node"


@dataclass(frozen=True)
class Operation:
    operator: str  # one of + - * /
    left: "Node"
    right: "Node"


Node = Number | Item | Negative | Operation


def parse(text: str) -> Node:
    """The formula's tree, or FormulaError for anything outside the language."""
    if not text.strip():
        raise FormulaError("empty")
    if len(text) > MAX_LENGTH:
        raise FormulaError("too_long", str(MAX_LENGTH))
    if text.count("(") > MAX_DEPTH:
        raise FormulaError("too_deep", str(MAX_DEPTH))
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise FormulaError("syntax", str(getattr(error, "msg", error))) from None
    return _convert(tree.body, text, 0)


def _convert(node: ast.AST, text: str, depth: int) -> Node:
    if depth > MAX_DEPTH:
        raise FormulaError("too_deep", str(MAX_DEPTH))
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return Operation(
            _OPERATORS[type(node.op)],
            _convert(node.left, text, depth + 1),
            _convert(node.right, text, depth + 1),
        )
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _convert(node.operand, text, depth + 1)
        return Negative(operand) if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Name):
        if not CODE.match(node.id):
            raise FormulaError("bad_name", node.id)
        return Item(node.id)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return Number(_number(ast.get_source_segment(text.strip(), node) or str(node.value)))
    # Calls, attributes, subscripts, comparisons, strings, lambdas …: none is a key figure.
    raise FormulaError("not_allowed", type(node).__name__)


def _number(source: str) -> Decimal:
    # From the text as written, so 0.1 is exactly a tenth (a float would not be).
    try:
        value = Decimal(source.replace("_", ""))
    except InvalidOperation:
        raise FormulaError("syntax", source) from None
    if not value.is_finite() or value.adjusted() > 15:
        raise FormulaError("bad_number", source)
    return value


def names(node: Node) -> set[str]:
    """The item codes a formula reads."""
    if isinstance(node, Item):
        return {node.code}
    if isinstance(node, Negative):
        return names(node.operand)
    if isinstance(node, Operation):
        return names(node.left) | names(node.right)
    return set()


def evaluate(node: Node, values: Mapping[str, Decimal | None]) -> Decimal | None:
    """The formula's value; None when a value it reads is missing or it divides by zero."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Item):
        return values.get(node.code)
    if isinstance(node, Negative):
        operand = evaluate(node.operand, values)
        return None if operand is None else -operand
    left, right = evaluate(node.left, values), evaluate(node.right, values)
    if left is None or right is None:
        return None
    try:
        if node.operator == "+":
            return left + right
        if node.operator == "-":
            return left - right
        if node.operator == "*":
            return left * right
        return None if right == 0 else left / right
    except InvalidOperation:  # beyond Decimal's range: not computable either
        return None


def render(node: Node) -> str:
    """The formula written back in a normal form (brackets where they are needed)."""
    return _render(node, 0)


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def _render(node: Node, outer: int) -> str:
    if isinstance(node, Number):
        return str(node.value)
    if isinstance(node, Item):
        return node.code
    if isinstance(node, Negative):
        return f"-{_render(node.operand, 3)}"
    own = _PRECEDENCE[node.operator]
    # Operators group from the left: a right side of the same precedence keeps its brackets,
    # so a - (b - c) stays itself, and a + (b + c) reads back as the same tree.
    text = f"{_render(node.left, own)} {node.operator} {_render(node.right, own + 1)}"
    return f"({text})" if own < outer else text
