"""The PySpark recipe of docs/scale-out.md (read from that file), run in local mode on the
columnar edges: it must find dealgraph's loops."""

import os
import re

from check_duckdb import documented
from common import Checks, args, canonical, need

need("pyspark")

folder, reference, dealgraph_loops, bound = args()
checks = Checks("columnar/spark")
code = documented("loops.py", "python")
code = re.sub(r"MAX_LEN = \d+", f"MAX_LEN = {bound}", code)
# Collect the loops instead of printing them.
code = re.sub(r"\nloops\.orderBy\(.*\n", "\n", code)
os.chdir(folder)
# No progress bars in test output.
os.environ.setdefault("PYSPARK_SUBMIT_ARGS", "--conf spark.ui.showConsoleProgress=false pyspark-shell")
scope = {}
exec(compile(code, "docs/scale-out.md (loops.py)", "exec"), scope)
rows = scope["loops"].collect()
checks.loops("documented PySpark joins", {canonical(r["path"]) for r in rows}, dealgraph_loops)
scope["spark"].stop()
checks.finish()
