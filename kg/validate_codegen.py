"""Each node shape compiled to one generated Python function: the fast path of kg.validate_eval.evaluate (same results)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from rdflib.namespace import SH

from kg.validate import ValidationResult
from kg.validate_eval import RDF_TYPE, NodeSpec, PropertySpec, Unresolved, _counted, _result, compare, node_specs

# (node, description, is_a, defer, local, ks) -> results; defer as in kg.validate_eval.evaluate
CompiledShape = Callable[..., list[ValidationResult]]
_CLASS = str(SH.ClassConstraintComponent)


def _emit_value_tests(lines: list[str], ns: dict, owner: str, tests, indent: str) -> None:
    """Lines testing value `v` against each (component, test, class); failures become results of `owner`."""
    var = "v"
    for j, (component, test, cls) in enumerate(tests):
        name = f"{owner}_t{j}"
        ns[name], ns[f"{name}_c"] = test, component
        fail = f"out.append(R(node, {owner}, {name}_c, {var}))"
        if cls:  # a direct sh:class test: an undecidable value is deferred, not failed
            ns[f"{name}_k"] = cls
            lines += [f"{indent}if {var}[0] == '\"':", f"{indent}    {fail}",
                      f"{indent}elif not {_local_class(var, name + '_k')}:",
                      f"{indent}    try:", f"{indent}        if not is_a({var}, {name}_k):", f"{indent}            {fail}",
                      f"{indent}    except Unresolved:", f"{indent}        if defer is None:", f"{indent}            raise",
                      f"{indent}        defer(R(node, {owner}, {name}_c, {var}), {name}_k)"]
        elif getattr(test, "inline", None):
            lines += [f"{indent}if not {test.inline}:", f"{indent}    {fail}"]
        elif getattr(test, "pure", False):  # the value alone decides: asked once per distinct value
            ns[f"{name}_m"] = {}
            lines += [f"{indent}ok = {name}_m.get({var})", f"{indent}if ok is None:",
                      f"{indent}    ok = MEMO({name}_m, {name}, {var})", f"{indent}if not ok:", f"{indent}    {fail}"]
        else:
            lines += [f"{indent}if not {name}({var}, is_a):", f"{indent}    {fail}"]


def _emit_property(lines: list[str], ns: dict, i: int, p: PropertySpec) -> None:
    owner = f"P{i}"
    ns[owner] = p
    lines.append(f"    vs = d.get({p.path!r})")
    lines.append("    if vs is None:")
    empty = []
    if p.min_count > 0:
        empty.append(f"        out.append(R(node, {owner}, MIN, ''))")
    if p.qualified is not None and (p.qualified_min or 0) > 0:
        empty.append(f"        out.append(R(node, {owner}, QMIN, ''))")
    lines += empty or ["        pass"]
    lines.append("    else:")
    body_start = len(lines)
    if p.min_count > 1:
        lines += [f"        if len(vs) < {p.min_count}:", f"            out.append(R(node, {owner}, MIN, ''))"]
    if p.max_count is not None:
        lines += [f"        if len(vs) > {p.max_count}:", f"            out.append(R(node, {owner}, MAX, ''))"]
    if p.tests:
        lines.append("        for v in vs:")
        _emit_value_tests(lines, ns, owner, p.tests, "            ")
    if p.qualified is not None:
        ns[f"{owner}_q"] = p.qualified
        lines += ["        n = 0", "        for v in vs:"]
        if (cls := getattr(p.qualified, "class_iri", None)) is not None:  # [ sh:class C ]: inline
            ns[f"{owner}_qk"] = cls
            lines += [f"            if v[0] != '\"' and ({_local_class('v', owner + '_qk')} or is_a(v, {owner}_qk)):"]
        else:
            lines += [f"            if {owner}_q(v, is_a):"]
        lines += ["                n += 1"]
        if p.qualified_min is not None:
            lines += [f"        if n < {p.qualified_min}:", f"            out.append(R(node, {owner}, QMIN, ''))"]
        if p.qualified_max is not None:
            lines += [f"        if n > {p.qualified_max}:", f"            out.append(R(node, {owner}, QMAX, ''))"]
    if p.less_or_equal:
        lines += [f"        others = d.get({p.less_or_equal!r}, ())", "        for v in vs:", "            for c in others:",
                  "                if not LE(v, c):", f"                    out.append(R(node, {owner}, LTE, v))",
                  "                    break"]
    if p.unique_lang or p.disjoint:
        # the rarer counting constraints: the general code, without what is done above
        ns[f"{owner}_rest"] = PropertySpec(p.shape, p.path, p.severity, p.message, (), 0, None, p.unique_lang,
                                           None, None, None, p.disjoint, "")
        lines.append(f"        out.extend(COUNTED({owner}_rest, node, vs, d, is_a))")
    if len(lines) == body_start:
        lines.append("        pass")


def _local_class(var: str, cls: str) -> str:
    """An expression: `var` is described in the graph at hand (`local`) with class `cls` or a subclass
    (`ks`: class -> its subclasses). What Checker.is_a answers first, without the call."""
    return f"((t := local.get({var})) is not None and not ks[{cls}].isdisjoint(t.get(TYPE, ())))"


def _memo(memo: dict, test, value: str) -> bool:
    """test(value), remembered for short values (offsets and codes repeat across graphs, texts do not)."""
    ok = bool(test(value, None))
    if len(value) <= 160:
        if len(memo) >= 100_000:
            memo.clear()
        memo[value] = ok
    return ok


def compile_shape(spec: NodeSpec) -> CompiledShape:
    """One function checking a focus node against `spec`, equal to kg.validate_eval.evaluate."""
    ns: dict = {"Unresolved": Unresolved, "COUNTED": _counted, "S": spec,
                "MIN": str(SH.MinCountConstraintComponent), "MAX": str(SH.MaxCountConstraintComponent),
                "QMIN": str(SH.QualifiedMinCountConstraintComponent),
                "QMAX": str(SH.QualifiedMaxCountConstraintComponent),
                "LTE": str(SH.LessThanOrEqualsConstraintComponent), "LE": _less_or_equal, "R": _make_result,
                "MEMO": _memo, "TYPE": RDF_TYPE, "NO_LOCAL": {}}
    # local: the graph at hand (node -> description), ks: class -> it and its subclasses (both as the
    # caller's is_a sees them); a class test they answer skips is_a
    lines = ["def check(node, d, is_a, defer=None, local=NO_LOCAL, ks=None):", "    out = []"]
    if spec.tests:  # the node's own constraints: the node is the value
        lines.append("    v = node")
        _emit_value_tests(lines, ns, "S", spec.tests, "    ")
    for i, p in enumerate(spec.properties):
        _emit_property(lines, ns, i, p)
    lines.append("    return out")
    exec(compile("\n".join(lines), f"<shape {spec.shape}>", "exec"), ns)  # noqa: S102 - our own generated code
    return ns["check"]


@functools.lru_cache(maxsize=65536)
def _less_or_equal(left: str, right: str) -> bool:
    return compare(left, "<=", right)


def _make_result(node: str, owner, component: str, value: str) -> ValidationResult:
    if isinstance(owner, NodeSpec):
        return _result(node, "", component, owner.severity, owner.message, owner.shape, value)
    return _result(node, owner.path, component, owner.severity, owner.message, owner.shape, value)


@functools.lru_cache(maxsize=1)
def compiled_shapes() -> dict[str, CompiledShape]:
    """Node shape IRI -> its compiled function, for every shape in shapes/*.ttl."""
    return {spec.shape: compile_shape(spec) for spec in node_specs()}


__all__ = ["CompiledShape", "compile_shape", "compiled_shapes"]
