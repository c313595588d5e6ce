"""Compare a host's value with a requirement written in an extra spec.

A requirement is a value, optionally after an operator:

* ``= N``: at least N (numbers); ``== N``, ``!= N``, ``>= N``, ``<= N``:
  numeric comparisons;
* ``s== S``, ``s!= S``, ``s< S``, ``s<= S``, ``s> S``, ``s>= S``: string
  comparisons;
* ``<in> S``: S is a substring of the value; ``<all-in> A B``: every word
  is in the value (a list or a string);
* ``<or> A <or> B``: the value is one of them;
* anything else: the value equals it (as strings).
"""

import operator

_NUMERIC = {'=': operator.ge, '==': operator.eq, '!=': operator.ne,
            '>=': operator.ge, '<=': operator.le}
_STRING = {'s==': operator.eq, 's!=': operator.ne, 's<': operator.lt,
           's<=': operator.le, 's>': operator.gt, 's>=': operator.ge}


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def match(value, requirement):
    """Whether ``value`` (the host's) meets ``requirement`` (a string)."""
    words = str(requirement).split()
    if not words:
        return str(value) == str(requirement)
    op, rest = words[0], words[1:]
    if op == '<or>':
        choices = [w for w in words if w != '<or>']
        return str(value) in choices
    if op == '<in>':
        return ' '.join(rest) in str(value)
    if op == '<all-in>':
        have = value if isinstance(value, (list, tuple, set)) else \
            str(value).split()
        return all(w in have for w in rest)
    if op in _NUMERIC and rest:
        left, right = _number(value), _number(rest[0])
        return (left is not None and right is not None and
                _NUMERIC[op](left, right))
    if op in _STRING and rest:
        return _STRING[op](str(value), ' '.join(rest))
    return str(value) == str(requirement)
