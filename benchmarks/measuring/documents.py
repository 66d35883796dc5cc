"""One document measured: its commands planned, run in rounds, and their outputs checked."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from benchmarks.basics.text import last_line, progress
from benchmarks.measuring.baselines import JSON_BASELINE, RUAMEL_BASELINE, VALIDATOR_BASELINE
from benchmarks.measuring.model import Document, Settings, output_stem
from benchmarks.measuring.rounds import emit_overlay, peer_commands, run_rounds
from benchmarks.outputs.coverage import YAML_COVERAGE_MAX_BYTES, coverage, load_data
from benchmarks.outputs.line_diff import line_diff
from benchmarks.outputs.verdicts import CODE, cli_verdict, validator_verdict
from benchmarks.peers import tools as peer_tools
from benchmarks.peers.results import check_peer, read_expected
from benchmarks.timing.commands import Command


def plan_commands(doc: Document, selector: Path, s: Settings) -> dict[str, Command]:
    out_dir = s.work / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = output_stem(doc, s).name
    apply_out = out_dir / f"{stem}.applied{doc.path.suffix}"
    validating = not (doc.synthetic and doc.megabytes > s.validator_max_mb)
    apply_argv = [str(s.cli), "apply", str(doc.path), "--selector", str(selector)]
    cmds = {"apply": Command("apply", [*apply_argv, "--no-validate", "-o", str(apply_out)], output=apply_out)}
    if validating:
        validated_out = out_dir / f"{stem}.applied-validated{doc.path.suffix}"
        cmds["apply-validate"] = Command(
            "apply-validate", [*apply_argv, "-o", str(validated_out)], output=validated_out
        )
    if doc.format == "json":
        base_out = out_dir / f"{stem}.json-baseline.json"
        cmds["json"] = Command(
            "json", [str(s.python), "-c", JSON_BASELINE, str(doc.path), str(base_out)], base_out
        )
    if doc.format == "yaml":
        if doc.synthetic and doc.megabytes > s.ruamel_max_mb:
            doc.notes.append(f"ruamel skipped: {doc.megabytes:.0f} MB > {s.ruamel_max_mb:g} MB")
        else:
            ruamel_out = out_dir / f"{stem}.ruamel.yaml"
            cmds["ruamel"] = Command(
                "ruamel", [str(s.python), "-c", RUAMEL_BASELINE, str(doc.path), str(ruamel_out)], ruamel_out
            )
    if not validating:
        doc.notes.append(
            f"validate, validator and apply-validate skipped: {doc.megabytes:.0f} MB"
            f" > {s.validator_max_mb:g} MB"
        )
    else:
        cmds["validate"] = Command("validate", [str(s.cli), "validate", str(doc.path)])
        cmds["validator"] = Command("validator", [str(s.python), "-c", VALIDATOR_BASELINE, str(doc.path)])
    return cmds


def prepare_peers(
    doc: Document, selector: Path, s: Settings
) -> tuple[Path | None, peer_tools.Expected | None]:
    """Write the document's overlay and add the peers' commands: (overlay, what it must change) or Nones."""
    if not s.peers:
        return None, None
    if doc.synthetic and doc.megabytes > s.peer_max_mb:
        doc.notes.append(f"peers skipped: {doc.megabytes:.0f} MB > {s.peer_max_mb:g} MB")
        return None, None
    stem = output_stem(doc, s)
    overlay = stem.with_name(f"{stem.name}.overlay.json")
    scratch = stem.with_name(f"{stem.name}.overlay-apply{doc.path.suffix}")
    progress(f"  {doc.name} writing the overlay for the peers (apply --emit-overlay, untimed)")
    problem = emit_overlay(s, doc.path, selector, overlay, scratch)
    if problem:
        doc.notes.append(f"peers skipped: {problem}")
        return None, None
    doc.commands.update(peer_commands(doc.path, doc.format, overlay, stem, s))
    return overlay, read_expected(overlay)


def check_apply(doc: Document, digests: Sequence[bytes]) -> None:
    """Lines changed, coverage and determinism of apply's output; whether the validating apply agrees."""
    apply = doc.commands["apply"]
    failed = [x.returncode for x in apply.samples if x.returncode != 0]
    if failed:
        doc.notes.append(f"apply failed (exit {failed[0]}): {last_line(apply.stderr)}")
    elif apply.output is not None and apply.output.exists():
        doc.deterministic = len(set(digests)) <= 1
        before = doc.path.read_bytes().decode("utf-8", "surrogateescape")
        after_raw = apply.output.read_bytes()
        doc.lines = line_diff(before, after_raw.decode("utf-8", "surrogateescape"))
        if doc.format == "yaml" and len(after_raw) > YAML_COVERAGE_MAX_BYTES:
            doc.notes.append(f"coverage not checked: YAML over {YAML_COVERAGE_MAX_BYTES // 1_000_000} MB")
        else:
            try:
                doc.coverage = coverage(load_data(apply.output, doc.format))
            except Exception as exc:  # the output must parse; say so when it does not
                doc.notes.append(f"apply output does not parse: {type(exc).__name__}: {exc}")
        if doc.coverage is not None and not doc.coverage.complete:
            doc.notes.append(f"apply output coverage incomplete: {doc.coverage}")
        if not doc.deterministic:
            doc.notes.append("apply outputs differ between rounds")
    validated = doc.commands.get("apply-validate")
    if validated is None or not validated.samples:
        return
    bad = [x.returncode for x in validated.samples if x.returncode != 0]
    if bad:
        doc.notes.append(f"apply-validate exit {bad[0]}: {last_line(validated.stderr or validated.stdout)}")
    elif (
        apply.output is not None and apply.output.exists() and validated.output and validated.output.exists()
    ):
        doc.validated_same = apply.output.read_bytes() == validated.output.read_bytes()
        if not doc.validated_same:
            doc.notes.append("apply-validate wrote another output than apply --no-validate")


def record_verdicts(doc: Document) -> None:
    """The OpenAPI verdicts of `validate` and openapi-spec-validator, from their last runs."""
    if "validate" in doc.commands and doc.commands["validate"].samples:
        v = doc.commands["validate"]
        doc.verdicts["apigw-cognito"] = cli_verdict(v.samples[-1].returncode, v.stdout + v.stderr)
        codes = sorted(set(CODE.findall(v.stdout + v.stderr)))
        if codes:
            doc.verdicts["apigw-cognito codes"] = ", ".join(codes)
    if "validator" in doc.commands and doc.commands["validator"].samples:
        v = doc.commands["validator"]
        doc.verdicts["openapi-spec-validator"] = validator_verdict(v.samples[-1].returncode, v.stdout)
        if doc.verdicts["openapi-spec-validator"] != "valid":
            doc.verdicts["openapi-spec-validator message"] = last_line(v.stdout + v.stderr)


def bench_document(doc: Document, selector: Path, s: Settings, index: str) -> None:
    doc.commands = plan_commands(doc, selector, s)
    doc.path.read_bytes()  # into the page cache before the first timed run
    slow_rounds = 1 if doc.megabytes > s.slow_once_above_mb else s.slow_rounds
    progress(f"[{index}] {doc.name}: {doc.operations} operations, {doc.megabytes:.1f} MB")
    overlay, expected = prepare_peers(doc, selector, s)
    digests = run_rounds(doc.name, doc.commands, s.rounds, slow_rounds, s)
    check_apply(doc, digests)
    if overlay is not None:
        before = doc.path.read_bytes().decode("utf-8", "surrogateescape")
        for peer in s.peers:
            cmd = doc.commands.get(peer.name)
            if cmd is not None and cmd.samples:
                progress(f"  {doc.name} checking the output of {peer.name}")
                doc.peers[peer.name] = check_peer(peer, cmd, before, doc.format, expected)
        if not s.keep_outputs:
            overlay.unlink(missing_ok=True)
    record_verdicts(doc)
    if not s.keep_outputs:
        for cmd in doc.commands.values():
            if cmd.output is not None:
                cmd.output.unlink(missing_ok=True)
