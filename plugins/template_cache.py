"""template_cache: each theme template is compiled once per process, not once per generator and build.

Pelican makes a new Jinja environment for every generator of every build, and Jinja compiles a template
the first time an environment loads it: about 40 templates, half of a small site's build (a build of the
minimal test site took 0.34 s of CPU with compiling, 0.16 s without). A process that builds more than
once (the test suite, the benchmarks, `make livereload`) compiled them again each time.

Here every generator's environment gets a Jinja bytecode cache kept in this process. What is cached is
Jinja's own output for one template source in one compile-time configuration, so it cannot hold anything
of a build:

- the key is the template's name and file (Jinja's bucket key) and everything the compiled code depends
  on besides the source (``environment_key``): Jinja's version, the environment's options that change
  compiling, its extensions, and each filter's and test's name and what it is passed;
- Jinja checks the source's checksum (and the Python version) when it loads a cached template, and
  compiles again when they differ: an edited template is never served from the cache.

An environment whose autoescaping is chosen per template by a function is left alone (Jinja calls the
function while compiling; the key could not tell two such functions apart).

``result.stats["template_cache"]``: ``compiled`` and ``reused`` templates of this build.
"""

from __future__ import annotations

import hashlib

import build_context
import jinja2
from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket
from pelican import signals

# {(environment_key, bucket key): bytecode as Jinja writes it (its magic, the source's checksum, code)}
_COMPILED: dict[tuple[str, str], bytes] = {}

# The options Jinja reads while compiling (jinja2.Environment.__init__'s, less the runtime ones).
COMPILE_OPTIONS = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
    "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
    "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized",
    "autoescape", "is_async",
)  # fmt: skip


def environment_key(environment: Environment) -> str | None:
    """What a compiled template depends on besides its source, as a digest; None when it cannot be said
    (autoescaping by function)."""
    if callable(environment.autoescape):
        return None
    facts = [jinja2.__version__, environment.finalize is not None]
    facts += [(name, getattr(environment, name)) for name in COMPILE_OPTIONS]
    facts += sorted(f"{type(extension).__module__}.{type(extension).__qualname__}"
                    for extension in environment.extensions.values())  # fmt: skip
    for kind, functions in (("filter", environment.filters), ("test", environment.tests)):
        facts += sorted((kind, name, str(getattr(function, "jinja_pass_arg", None)))
                        for name, function in functions.items())  # fmt: skip
    facts.append(environment.policies.get("compiler.ascii_str"))
    return hashlib.sha256(repr(facts).encode()).hexdigest()


class ProcessBytecodeCache(BytecodeCache):
    """Jinja's bytecode cache, kept in this process (``_COMPILED``), counting for one build."""

    def __init__(self, environment: Environment, context: build_context.BuildContext) -> None:
        self.environment = environment
        self.context = context
        self.key: str | None = None

    def _slot(self, bucket: Bucket) -> tuple[str, str] | None:
        # Made when the first template loads: every plugin has added its filters by then.
        self.key = self.key or environment_key(self.environment)
        return (self.key, bucket.key) if self.key else None

    def load_bytecode(self, bucket: Bucket) -> None:
        slot = self._slot(bucket)
        data = _COMPILED.get(slot) if slot else None
        if data is not None:
            bucket.bytecode_from_string(data)  # Jinja drops it if the magic or the source checksum differ
        self.context.count(
            "template_cache", reused=int(bucket.code is not None), compiled=int(bucket.code is None)
        )

    def dump_bytecode(self, bucket: Bucket) -> None:
        slot = self._slot(bucket)
        if slot:
            _COMPILED[slot] = bucket.bytecode_to_string()


def attach(generator) -> None:
    generator.env.bytecode_cache = ProcessBytecodeCache(generator.env, build_context.of(generator.settings))


def register() -> None:
    signals.generator_init.connect(attach)
