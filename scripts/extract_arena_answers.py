#!/usr/bin/env python3
"""Builds tests/data/corpus/arena-hard-answers.jsonl.gz from a clone of lmarena/arena-hard-auto (Apache-2.0).

Reads every version of every `*model_answer/*.jsonl` file in the clone's history (all refs: branches and pull-request
heads), takes the assistant answers out of each, drops exact duplicates, and keeps a deterministic selection (see
`select` below and tests/data/corpus/README.md). Needs only Python 3 and git; the clone may be bare.

    python3 scripts/extract_arena_answers.py /path/to/arena-hard-auto.git tests/data/corpus/arena-hard-answers.jsonl.gz

Output: gzip of JSON lines `{"id": …, "source": …, "text": …}`, one per answer, sorted by id. `id` is the first 12 hex
digits of the SHA-256 of the text (stable across regenerations); `source` names the answer set, the model file and the
commit that first holds that answer.
"""

import gzip
import hashlib
import io
import json
import re
import subprocess
import sys

# Answers longer than this are left out: the few there are are mostly degenerate repetition, and they would dominate
# the corpus's size and run time.
MAX_CHARS = 24_000
# How many answers to keep: enough for thousands of real shapes while the gzip file stays near 3 MB.
TARGET_COUNT = 4_000

# Shapes that streaming has special cases for, and that most answers lack: every answer showing one is kept first.
RARE_SHAPES = {
    "nested list": re.compile(r"^(?:[-*+]|\d+[.)])[ \t].*\n(?:.*\n)*?[ \t]{2,}(?:[-*+]|\d+[.)])[ \t]", re.M),
    "fence in a list item": re.compile(r"^[ \t]{2,}(?:```|~~~)", re.M),
    "display math": re.compile(r"\$\$|\\\["),
    "inline math": re.compile(r"\\\(|\$[^$\s]"),
    "table": re.compile(r"^ *\|? *:?-+:? *\|", re.M),
    "quote": re.compile(r"^ {0,3}>", re.M),
    "footnote": re.compile(r"\[\^"),
    "reference definition": re.compile(r"^ {0,3}\[[^\]]+\]:", re.M),
    "html": re.compile(r"<[a-zA-Z/][^>\n]*>"),
    "setext underline": re.compile(r"^ {0,3}(?:=+|-{2,}) *$", re.M),
    "tab": re.compile(r"\t"),
    "carriage return": re.compile(r"\r"),
}


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True).stdout


def answer_file_versions(repo):
    """(commit, date, blob, path) of every version of a model-answer file, oldest first, each blob once."""
    log = git(repo, "log", "--all", "--full-history", "--reverse", "--date-order", "--format=C %H %cs",
              "--raw", "--no-abbrev", "--", "*model_answer/*.jsonl").decode()
    seen = set()
    commit = date = None
    for line in log.splitlines():
        if line.startswith("C "):
            _, commit, date = line.split()
        elif line.startswith(":"):
            meta, path = line.split("\t", 1)
            blob = meta.split()[3]
            if blob.strip("0") and blob not in seen:
                seen.add(blob)
                yield commit, date, blob, path


def answers_in(record):
    """The assistant texts of one JSON line, in either of the repository's two layouts."""
    for choice in record.get("choices", []):  # {"choices": [{"turns": [str | {"content": str}]}]}
        for turn in choice.get("turns", []):
            yield turn if isinstance(turn, str) else turn.get("content", "")
    for message in record.get("messages", []):  # {"messages": [{"role": "assistant", "content": str | {"answer"}}]}
        if message.get("role") == "assistant":
            content = message.get("content", "")
            yield content if isinstance(content, str) else content.get("answer", "")


def extract(repo):
    answers = {}
    missing = []
    for commit, date, blob, path in answer_file_versions(repo):
        probe = subprocess.run(["git", "-C", repo, "cat-file", "-e", blob], capture_output=True)
        if probe.returncode != 0:
            missing.append(f"{path}@{commit[:10]}")
            continue
        parts = path.split("/")
        source = f"{parts[-3]}/{parts[-1].removesuffix('.jsonl')}@{commit[:10]}"
        # Split on "\n" only: answers hold U+2028 and friends, which str.splitlines would cut at.
        for line in git(repo, "cat-file", "-p", blob).decode("utf-8").split("\n"):
            if not line.strip():
                continue
            for text in answers_in(json.loads(line)):
                if text and text.strip() and len(text) <= MAX_CHARS and text not in answers:
                    answers[text] = source
    return answers, missing


def select(answers):
    """Every answer with a rare shape, then the others in id order (a hash: an unbiased sample) up to the target."""
    rows = [{"id": hashlib.sha256(t.encode()).hexdigest()[:12], "source": s, "text": t} for t, s in answers.items()]
    rows.sort(key=lambda r: r["id"])
    rare = [r for r in rows if any(p.search(r["text"]) for p in RARE_SHAPES.values())]
    common = [r for r in rows if not any(p.search(r["text"]) for p in RARE_SHAPES.values())]
    chosen = rare[:TARGET_COUNT] + common[: max(0, TARGET_COUNT - len(rare))]
    chosen.sort(key=lambda r: r["id"])
    return chosen, len(rare)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    repo, out = sys.argv[1], sys.argv[2]
    answers, missing = extract(repo)
    chosen, rare = select(answers)
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chosen).encode()
    buffer = io.BytesIO()
    # mtime 0 and no file name: the same input gives the same bytes.
    with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=buffer, mtime=0) as gz:
        gz.write(body)
    with open(out, "wb") as f:
        f.write(buffer.getvalue())
    head = git(repo, "rev-parse", "HEAD").decode().strip()
    print(f"clone HEAD {head}; {len(answers)} distinct answers of at most {MAX_CHARS} chars; {rare} with a rare shape;"
          f" kept {len(chosen)} ({len(body)} bytes of JSON lines, {len(buffer.getvalue())} gzipped) in {out}")
    shapes = {name: sum(bool(p.search(r["text"])) for r in chosen) for name, p in RARE_SHAPES.items()}
    print("answers kept with each shape: " + ", ".join(f"{name} {n}" for name, n in shapes.items()))
    if missing:
        print(f"file versions whose content the clone lacks (skipped): {', '.join(missing)}")


if __name__ == "__main__":
    main()
