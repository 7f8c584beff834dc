"""Differential-test oracle: renders cases through the installed gcloud SDK.

Reads a JSON list of cases on stdin:
  {"data": ..., "format": "...", "flatten": [...], "sortBy": [...], "limit": N,
   "defaultFormat": "...", "single": bool}
and writes a JSON list of {"out": text} or {"error": message, "errorType": name}.

Cases go through calliope's Displayer, as a command's result would (display
taps for --flatten/--sort-by/--limit, default format composition). A list
that must be printed as one resource ("single") goes to the printer directly.
A case {"transform": name, "r": ..., "kwargs": {...}} instead calls that builtin
transform function itself and gives {"value": its result}.
"""
import io
import json
import os
import sys

LIB = os.environ.get('GCLOUD_SDK_LIB', '/usr/lib/google-cloud-sdk/lib')
sys.path[:0] = [LIB, os.path.join(LIB, 'third_party')]

from googlecloudsdk.calliope import display  # noqa: E402
from googlecloudsdk.calliope import display_info  # noqa: E402
from googlecloudsdk.core import log  # noqa: E402
from googlecloudsdk.core.console import console_attr  # noqa: E402
from googlecloudsdk.core.resource import resource_printer  # noqa: E402
from googlecloudsdk.core.resource import resource_transform  # noqa: E402


class Args(object):
  """The global display flags of a parsed command line."""

  def __init__(self, case):
    self.format = case.get('format') or None
    self.flatten = case.get('flatten')
    self.sort_by = case.get('sortBy')
    self.limit = case.get('limit')
    self.page_size = None
    self.filter = None
    self.uri = None
    self.async_ = None

  def IsSpecified(self, name):
    return getattr(self, name, None) is not None


class Command(object):

  def Epilog(self, resources_were_displayed):
    pass


def call(case):
  transform = resource_transform.GetTransforms()[case['transform']]
  try:
    return {'value': transform(case['r'], **case.get('kwargs', {}))}
  except Exception as e:  # pylint: disable=broad-except
    return {'error': str(e), 'errorType': type(e).__name__}


def render(case):
  if 'transform' in case:
    return call(case)
  out = io.StringIO()
  # Each gcloud run starts with fresh console attributes (table[ascii] changes them).
  console_attr.ResetConsoleAttr()
  try:
    data = case['data']
    taps = case.get('flatten') or case.get('limit') is not None
    if case.get('single') and isinstance(data, list) and not taps:
      resource_printer.Print(data, case['format'], out=out, single=True)
    else:
      if case.get('single') and isinstance(data, list):
        data = [data]  # One resource that happens to be a list.
      info = display_info.DisplayInfo()
      if case.get('defaultFormat'):
        info.AddFormat(case['defaultFormat'])
      log.out = out
      display.Displayer(Command(), Args(case), data, display_info=info).Display()
    return {'out': out.getvalue()}
  except Exception as e:  # pylint: disable=broad-except
    return {'error': str(e), 'errorType': type(e).__name__, 'out': out.getvalue()}


def main():
  cases = json.load(sys.stdin)
  json.dump([render(c) for c in cases], sys.stdout)


if __name__ == '__main__':
  main()
