"""Differential-test oracle: renders cases through the installed gcloud SDK's own printer."""
import io
import json
import os
import sys

LIB = os.environ.get('GCLOUD_SDK_LIB', '/usr/lib/google-cloud-sdk/lib')
sys.path[:0] = [LIB, os.path.join(LIB, 'third_party')]

from googlecloudsdk.calliope import display_taps  # noqa: E402
from googlecloudsdk.core.console import console_attr  # noqa: E402
from googlecloudsdk.core.resource import resource_lex  # noqa: E402
from googlecloudsdk.core.resource import resource_printer  # noqa: E402
from googlecloudsdk.core.util import peek_iterable  # noqa: E402


def flatten(resources, keys):
  """Mirrors calliope.display's flatten taps."""
  for key in keys:
    flattened_key = []
    sliced = False
    for k in resource_lex.Lexer(key).Key():
      if k is None:
        sliced = True
        resources = peek_iterable.Tapper(resources, display_taps.Flattener(flattened_key))
      else:
        sliced = False
        flattened_key.append(k)
    if not sliced:
      resources = peek_iterable.Tapper(resources, display_taps.Flattener(flattened_key))
  return resources


def render(case):
  out = io.StringIO()
  # Each gcloud run starts with fresh console attributes (table[ascii] changes them).
  console_attr.ResetConsoleAttr()
  try:
    resources = case['data']
    single = case.get('single', False)
    if case.get('flatten'):
      # Like calliope.display: flattened resources are an iterable, never single.
      # A single resource that is a list must not be iterated: wrap it.
      if single and isinstance(resources, list):
        resources = [resources]
      resources = flatten(resources, case['flatten'])
      single = False
    printer = resource_printer.Printer(case['format'], out=out)
    if printer:
      printer.Print(resources, single=single)
    return {'out': out.getvalue()}
  except Exception as e:  # pylint: disable=broad-except
    return {'error': str(e), 'errorType': type(e).__name__, 'out': out.getvalue()}


def main():
  cases = json.load(sys.stdin)
  json.dump([render(c) for c in cases], sys.stdout)


if __name__ == '__main__':
  main()
