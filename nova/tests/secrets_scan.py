"""Find secrets (passwords, tokens) where they must never be: log files
and API response bodies.

For any test that runs services::

    hits = secrets_scan.scan(secrets, log_dir=workdir + '/log',
                             bodies=[resp.text for resp in responses])
    assert not hits, secrets_scan.report(hits)

A hit names the secret's label (not the secret itself, so that a failing
test does not print it either) and where it was found as ``file:line`` or
``body[i]``.
"""

import dataclasses
import os

# Only text logs: a daemon's stdout/stderr (*.out), oslo.log files (*.log).
DEFAULT_PATTERNS = ('.out', '.log')


@dataclasses.dataclass(frozen=True)
class Hit:
    label: str      # which secret (the key of the ``secrets`` mapping)
    where: str      # "path:line" or "body[i]"
    excerpt: str    # the line or body with every secret replaced by <label>

    def __str__(self):
        return f'{self.where}: {self.label}: {self.excerpt}'


def _as_mapping(secrets):
    if isinstance(secrets, dict):
        items = secrets.items()
    else:
        items = ((f'secret{i}', s) for i, s in enumerate(secrets))
    # An empty string would be found everywhere.
    return {label: value for label, value in items if value}


def _redact(text, secrets, limit=300):
    for label, value in secrets.items():
        text = text.replace(value, f'<{label}>')
    text = text.strip()
    return text if len(text) <= limit else text[:limit - 3] + '...'


def _scan_lines(lines, secrets, where):
    for number, line in enumerate(lines, 1):
        for label, value in secrets.items():
            if value in line:
                yield Hit(label, where(number), _redact(line, secrets))


def log_files(log_dir, suffixes=DEFAULT_PATTERNS):
    """Every file under ``log_dir`` (recursively) ending in ``suffixes``."""
    found = []
    for root, _dirs, files in os.walk(log_dir):
        found.extend(os.path.join(root, name) for name in files
                     if name.endswith(tuple(suffixes)))
    return sorted(found)


def scan_file(path, secrets):
    """Hits of ``secrets`` ({label: value} or a list) in the file."""
    secrets = _as_mapping(secrets)
    with open(path, encoding='utf-8', errors='replace') as f:
        return list(_scan_lines(f, secrets, lambda n: f'{path}:{n}'))


def scan_texts(texts, secrets, name='body'):
    """Hits in each of ``texts`` (str or bytes, e.g. response bodies)."""
    secrets = _as_mapping(secrets)
    hits = []
    for index, text in enumerate(texts):
        if isinstance(text, bytes):
            text = text.decode('utf-8', errors='replace')
        hits.extend(_scan_lines(
            text.splitlines() or [''], secrets,
            lambda n, i=index: f'{name}[{i}]:{n}'))
    return hits


def scan(secrets, log_dir=None, files=(), bodies=(),
         suffixes=DEFAULT_PATTERNS):
    """Every hit of ``secrets`` in ``log_dir``'s logs, ``files`` and
    ``bodies``; an empty list when none leaked."""
    paths = list(files) + (log_files(log_dir, suffixes) if log_dir else [])
    hits = []
    for path in paths:
        hits.extend(scan_file(path, secrets))
    hits.extend(scan_texts(bodies, secrets))
    return hits


def report(hits, limit=20):
    """A failure message listing the first ``limit`` hits."""
    lines = [f'{len(hits)} secret(s) leaked:'] + [
        f'  {hit}' for hit in hits[:limit]]
    if len(hits) > limit:
        lines.append(f'  ... and {len(hits) - limit} more')
    return '\n'.join(lines)
