"""Runs the guide's own determine_capability on facts read from standard input.

The function is taken from tests/fixtures/seed/test_capability.py (the guide's script,
verbatim) with `ast`, so the script's imports (psutil, numpy) are not needed. Each input line is
a JSON object {"info": {...}, "benchmark": {...}}; each output line is the capabilities
object the guide computes for it.
"""
import ast
import json
import pathlib
import sys

SCRIPT = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "seed" / "test_capability.py"

source = SCRIPT.read_text()
tree = ast.parse(source)
function = next(
    node for node in tree.body
    if isinstance(node, ast.FunctionDef) and node.name == "determine_capability"
)
namespace = {}
exec(compile(ast.Module(body=[function], type_ignores=[]), str(SCRIPT), "exec"), namespace)
determine_capability = namespace["determine_capability"]

for line in sys.stdin:
    if line.strip():
        case = json.loads(line)
        print(json.dumps(determine_capability(case["info"], case["benchmark"])))
