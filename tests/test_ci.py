"""The workflow's two paths: a change only to content/ gets the content check and the production build
(and, on main, a deploy) without waiting for the suite; any other change, and every night, runs the
whole suite too. .ci/scope decides which, from git."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, write_files

WORKFLOW = ROOT / ".github/workflows/publish.yml"
SCOPE = ROOT / ".ci/scope"


def jobs() -> dict[str, str]:
    """The workflow's jobs, each as its text (the workflow is plain YAML, two spaces a level)."""
    text = WORKFLOW.read_text(encoding="utf-8").split("\njobs:\n", 1)[1]
    parts = re.split(r"^  ([\w-]+):\n", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def steps(job: str) -> list[str]:
    """What a job's steps run or use, in order."""
    return re.findall(r"^\s+(?:- )?(?:run|uses): (.+)$", jobs()[job], flags=re.MULTILINE)


def git(repo: Path, *arguments: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *arguments], check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def history(tmp_path: Path) -> dict[str, str]:
    """A repository with four commits: the start, a content edit, a code edit, a content and test edit."""
    repo = tmp_path / "arkiv"
    repo.mkdir()
    git(repo, "init", "--quiet")
    git(repo, "config", "user.email", "redaktor@example.se")
    git(repo, "config", "user.name", "Redaktör")
    commits = {}
    for name, files in {
        "start": {"content/posts/2018/a.md": "Title: A\n", "tasks.py": "", "tests/test_x.py": ""},
        "content": {"content/posts/2018/a.md": "Title: Ändrad\n", "content/images/ny.jpg": "jpg"},
        "code": {"tasks.py": "# ändrad\n"},
        "mixed": {"content/posts/2018/a.md": "Title: Igen\n", "tests/test_x.py": "# ny\n"},
    }.items():
        write_files(repo, files)
        git(repo, "add", "-A")
        git(repo, "commit", "--quiet", "-m", name)
        commits[name] = git(repo, "rev-parse", "HEAD")
    commits["repo"] = str(repo)
    return commits


def scope(history: dict[str, str], *commits: str) -> tuple[str, str]:
    run = subprocess.run(
        [sys.executable, str(SCOPE), *commits],
        cwd=history["repo"],
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout, run.stderr


def test_a_change_only_to_content_skips_the_suite(history):
    assert scope(history, history["start"], history["content"]) == (
        "suite=false\n",
        "scope: bara content/ ändrades (2 filer): innehållet kontrolleras, testsviten körs i natt\n",
    )


@pytest.mark.parametrize(
    ("base", "head", "said"),
    [
        ("content", "code", "1 fil utanför content/ ändrades (som tasks.py): hela testsviten körs"),
        ("code", "mixed", "1 fil utanför content/ ändrades (som tests/test_x.py): hela testsviten körs"),
        ("start", "mixed", "2 filer utanför content/ ändrades (som tasks.py): hela testsviten körs"),
    ],
)
def test_any_change_outside_content_runs_the_suite(history, base, head, said):
    assert scope(history, history[base], history[head]) == ("suite=true\n", f"scope: {said}\n")


@pytest.mark.parametrize(
    "commits",
    [(), ("0" * 40, "HEAD"), ("1234567890abcdef1234567890abcdef12345678", "HEAD"), ("HEAD", "HEAD")],
    ids=["nightly-or-manual", "new-branch", "rewritten-history", "nothing-changed"],
)
def test_a_change_that_cannot_be_told_runs_the_suite(history, commits):
    stdout, stderr = scope(history, *commits)
    assert stdout == "suite=true\n"
    assert stderr.endswith("scope: vad som ändrades går inte att avgöra: hela testsviten körs\n")


def test_the_editors_verdict_runs_at_once_and_alone():
    site = jobs()["site"]
    assert "needs:" not in site  # it starts with the run, beside `changes`
    assert steps("site") == [
        "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2",
        'echo "version=$(python3 -c \'import platform; print(platform.python_version())\')" >> "$GITHUB_OUTPUT"',
        "actions/cache@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3",
        "actions/cache/restore@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3",
        "make check",
        "make publish",
        "actions/cache/save@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3",
        "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2",
    ]
    assert "path: .venv\n" in site
    # Pull requests read the caches main keeps and never write their own.
    assert "if: github.event_name != 'pull_request'\n        uses: actions/cache/save@" in site


def test_the_suite_runs_for_code_and_every_night():
    on = WORKFLOW.read_text(encoding="utf-8").split("\non:\n", 1)[1].split("\n\n", 1)[0]
    assert re.search(r"^  schedule:\n    - cron: \"\d+ \d+ \* \* \*\"", on, flags=re.MULTILINE)
    assert "  pull_request:\n" in on
    suite = jobs()["suite"]
    assert suite.startswith("    needs: changes\n    if: needs.changes.outputs.suite == 'true'\n")
    assert steps("suite")[-1] == ".ci/run"
    assert "make test" in (ROOT / ".ci/run").read_text(encoding="utf-8").splitlines()
    changes = jobs()["changes"]
    assert "pull_request) python3 .ci/scope HEAD^1 HEAD ;;" in changes
    assert 'push) python3 .ci/scope "$BEFORE" HEAD ;;' in changes
    assert "*) python3 .ci/scope ;;" in changes  # the nightly and manual runs: the suite


def test_main_deploys_after_the_verdict_and_after_the_suite_when_it_ran():
    deploy = jobs()["deploy"]
    condition, needs = deploy.splitlines()[:2]
    assert needs == "    needs: [changes, site, suite]"
    assert "needs.site.result == 'success'" in condition
    assert "(needs.suite.result == 'success' || needs.suite.result == 'skipped')" in condition
    assert "needs.changes.result == 'success'" in condition  # a skipped suite was decided, not failed to
    assert "!cancelled()" in condition  # else a skipped suite would skip the deploy too
    assert "(github.event_name == 'push' || github.event_name == 'workflow_dispatch')" in condition
