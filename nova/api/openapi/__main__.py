"""python -m nova.api.openapi [--output FILE | --check FILE]: write the
OpenAPI document of the Compute API (stdout by default), or fail when FILE
is not what the current code generates."""

import argparse
import sys

from nova.api import openapi

DEFAULT_OUTPUT = 'doc/source/api/openapi.json'


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='python -m nova.api.openapi', description=__doc__)
    group = parser.add_mutually_exclusive_group()
    group.add_argument('-o', '--output', metavar='FILE',
                       help='write the document to FILE ("-": stdout)')
    group.add_argument('--check', metavar='FILE',
                       help='exit 1 when FILE is not current')
    args = parser.parse_args(argv)
    text = openapi.dumps(openapi.generate())
    if args.check:
        try:
            with open(args.check, encoding='utf-8') as f:
                current = f.read()
        except FileNotFoundError:
            current = None
        if current != text:
            print(f'{args.check} is not current; regenerate it with '
                  'tools/generate-openapi', file=sys.stderr)
            return 1
        return 0
    if not args.output or args.output == '-':
        sys.stdout.write(text)
        return 0
    with open(args.output, 'w', encoding='utf-8') as f:
        f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
